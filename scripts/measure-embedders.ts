/**
 * Cosine retrieval quality of each embedder on the development collections:
 *   node scripts/run-ts.mjs scripts/measure-embedders.ts [--out docs/results/embedders.json]
 * Embeds corpus and queries, builds the energy index on the CPU backend, searches by cosine
 * (k = 100) and averages nDCG@10, MRR@10 and Recall@100 over the judged queries; BM25 (the
 * project's own) is listed for reference. Then a small SIF grid (smoothing a x components
 * removed) on the same path. Prints markdown tables, writes the numbers as JSON.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConcatenatedEmbedder,
  embedDataset,
  LexicalEmbedder,
  loadBeirDataset,
  ndcgAt,
  rankWithBm25,
  rankWithIndex,
  recallAt,
  reciprocalRankAt,
  SifEmbedder,
  DEFAULT_METHOD_PARAMETERS,
  documentText,
  inMemoryWordVectors,
  tokenize,
  WINK_PACKAGE,
  winkWordVectors,
  type WordVectorSource,
  type Embedder,
  type RetrievalDataset,
} from '@opticspace/eval';
import { EnergyIndex } from '@opticspace/index';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = resolve(root, outArg > 0 ? process.argv[outArg + 1] : 'docs/results/embedders.json');
const DEPTH = 100;
const SEED = 42;

/** The wink rows of the corpus vocabulary, looked up once per collection and shared by every SIF run. */
async function winkRowsFor(dataset: RetrievalDataset): Promise<WordVectorSource> {
  const words = [...new Set(dataset.corpus.flatMap((document) => tokenize(documentText(document), { stem: false })))];
  const table = await winkWordVectors().lookup(words);
  return inMemoryWordVectors(WINK_PACKAGE, 100, new Map(table.words.map((word, row) => [word, table.vectors.subarray(row * 100, (row + 1) * 100)])));
}

const lsa = (): Embedder => new LexicalEmbedder({ dims: 384, seed: SEED });
const EMBEDDERS: { label: string; make: (wink: WordVectorSource) => Embedder }[] = [
  { label: 'LSA-384 (lexical, default)', make: lsa },
  { label: 'SIF-100 (wink, a=1e-3, 1 PC removed)', make: (wink) => new SifEmbedder({ wordVectors: wink }) },
  { label: 'LSA-384 + SIF-100 (concatenated, equal weights)', make: (wink) => new ConcatenatedEmbedder([lsa(), new SifEmbedder({ wordVectors: wink })]) },
];
const SIF_GRID = [1e-4, 1e-3, 1e-2].flatMap((smoothing) => [0, 1, 3].map((removedComponents) => ({ smoothing, removedComponents })));

function score(dataset: RetrievalDataset, rankings: Map<string, string[]>): { 'ndcg@10': number; 'mrr@10': number; 'recall@100': number; queries: number } {
  const totals = { 'ndcg@10': 0, 'mrr@10': 0, 'recall@100': 0 };
  let queries = 0;
  for (const query of dataset.queries) {
    const judged = dataset.qrels.get(query.id);
    if (!judged || ![...judged.values()].some((grade) => grade > 0)) continue;
    const ranking = rankings.get(query.id) ?? [];
    totals['ndcg@10'] += ndcgAt(ranking, judged, 10);
    totals['mrr@10'] += reciprocalRankAt(ranking, judged, 10);
    totals['recall@100'] += recallAt(ranking, judged, DEPTH);
    queries++;
  }
  return { 'ndcg@10': totals['ndcg@10'] / queries, 'mrr@10': totals['mrr@10'] / queries, 'recall@100': totals['recall@100'] / queries, queries };
}

async function cosineRun(dataset: RetrievalDataset, embedder: Embedder): Promise<Record<string, unknown>> {
  const embedded = await embedDataset(dataset, embedder);
  let start = performance.now();
  const index = await EnergyIndex.build(embedded.documents, { seed: SEED, backend: 'cpu', dimension: embedded.dims });
  const build = performance.now() - start;
  start = performance.now();
  const rankings = await rankWithIndex(index, dataset, embedded.queries, 'cosine', DEFAULT_METHOD_PARAMETERS, DEPTH);
  const search = performance.now() - start;
  index.dispose();
  return { dataset: dataset.name, name: embedder.name, dims: embedder.dims, ...score(dataset, rankings), ms: { ...embedded.timings, build, search } };
}

const rows: Record<string, unknown>[] = [];
const grid: Record<string, unknown>[] = [];
for (const name of ['cranfield', 'cve-cwe']) {
  const dataset = await loadBeirDataset(resolve(root, 'datasets', name));
  console.error(`${name}: ${dataset.corpus.length} documents, ${dataset.queries.length} queries`);
  const start = performance.now();
  rows.push({ dataset: name, embedder: 'BM25 (reference, not an embedder)', ...score(dataset, rankWithBm25(dataset, DEPTH)), ms: { search: performance.now() - start } });
  const wink = await winkRowsFor(dataset);
  for (const { label, make } of EMBEDDERS) {
    const row = { embedder: label, ...(await cosineRun(dataset, make(wink))) };
    rows.push(row);
    console.error(`  ${label}: nDCG@10 ${(row['ndcg@10'] as number).toFixed(4)}`);
  }
  for (const options of SIF_GRID) grid.push({ ...options, ...(await cosineRun(dataset, new SifEmbedder({ wordVectors: wink, ...options }))) });
}

const fmt = (value: unknown): string => (typeof value === 'number' ? value.toFixed(4) : String(value));
console.log('| dataset | embedder | dims | nDCG@10 | MRR@10 | Recall@100 | fit ms |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  const ms = row.ms as Record<string, number>;
  console.log(`| ${row.dataset} | ${row.embedder} | ${row.dims ?? '-'} | ${fmt(row['ndcg@10'])} | ${fmt(row['mrr@10'])} | ${fmt(row['recall@100'])} | ${ms.fitMs === undefined ? '-' : ms.fitMs.toFixed(0)} |`);
}
console.log('\n| dataset | a | PCs removed | nDCG@10 | MRR@10 | Recall@100 |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of grid) console.log(`| ${row.dataset} | ${row.smoothing} | ${row.removedComponents} | ${fmt(row['ndcg@10'])} | ${fmt(row['mrr@10'])} | ${fmt(row['recall@100'])} |`);
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString() };
writeFileSync(out, JSON.stringify({ machine, seed: SEED, depth: DEPTH, backend: 'cpu', method: 'cosine', rows, sifGrid: grid }, null, 2) + '\n');
console.error(`wrote ${out}`);
