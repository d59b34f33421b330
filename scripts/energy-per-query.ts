/**
 * Per-query view of the energy distance against the other methods (docs/results/diversity.md):
 * on how many queries energy (and hybrid) rank better than cosine, BM25 and the default fusion by
 * nDCG@10 (and alpha-nDCG@10 where documents carry labels), whether energy finds relevant
 * documents where cosine finds none, and nDCG@10 on the "tail" (the quarter of queries with the
 * fewest relevant documents). Same embedder and index settings as `opticspace eval`, TS backend.
 *
 *   node scripts/run-ts.mjs scripts/energy-per-query.ts datasets/cranfield datasets/cve-cwe
 */
import { alphaNdcgAt, documentLabels, documentText, embedDataset, isEvaluated, LexicalEmbedder, loadBeirDataset, ndcgAt } from '@opticspace/eval';
import { DEFAULT_METHOD, EnergyIndex } from '@opticspace/index';

const DIMS = 384;
const METHODS = ['energy', 'hybrid', 'cosine', 'bm25', DEFAULT_METHOD] as const;

for (const folder of process.argv.slice(2)) {
  const dataset = await loadBeirDataset(folder);
  const embedded = await embedDataset(dataset, new LexicalEmbedder({ dims: DIMS, seed: 42 }));
  const index = await EnergyIndex.build(embedded.documents, { dimension: DIMS, seed: 42, backend: 'cpu', documents: dataset.corpus.map(documentText) });
  const evaluated = dataset.queries.map((query, row) => ({ query, row })).filter(({ query }) => isEvaluated(dataset.qrels.get(query.id)));
  const queries = evaluated.map(({ query, row }) => ({ text: query.text, vector: embedded.queries.subarray(row * DIMS, (row + 1) * DIMS) }));
  const labels = documentLabels(dataset.corpus);
  const ndcg: Record<string, number[]> = {};
  const alpha: Record<string, number[]> = {};
  for (const method of METHODS) {
    const hits = await index.search(queries, { k: 10, method });
    const ranking = (b: number) => hits[b].map((hit) => dataset.corpus[hit.index].id);
    ndcg[method] = evaluated.map(({ query }, b) => ndcgAt(ranking(b), dataset.qrels.get(query.id)!, 10));
    if (labels) alpha[method] = evaluated.map(({ query }, b) => alphaNdcgAt(ranking(b), dataset.qrels.get(query.id)!, labels));
  }
  index.dispose();
  const count = (values: number[], others: number[], better: boolean) => values.filter((v, i) => (better ? v > others[i] : v < others[i])).length;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  console.log(`${dataset.name}: ${evaluated.length} queries`);
  for (const method of ['energy', 'hybrid'] as const) {
    for (const other of ['cosine', 'bm25', DEFAULT_METHOD]) {
      const alphaPart = labels ? `; alpha-nDCG@10 better on ${count(alpha[method], alpha[other], true)}, worse on ${count(alpha[method], alpha[other], false)}` : '';
      console.log(`  ${method} vs ${other}: nDCG@10 better on ${count(ndcg[method], ndcg[other], true)}, worse on ${count(ndcg[method], ndcg[other], false)}${alphaPart}`);
    }
  }
  const missed = ndcg.cosine.map((_, i) => i).filter((i) => ndcg.cosine[i] === 0);
  console.log(`  cosine finds nothing relevant in the top 10 for ${missed.length} queries; ` + ['energy', 'bm25', DEFAULT_METHOD].map((m) => `${m} finds something for ${missed.filter((i) => ndcg[m][i] > 0).length}`).join(', '));
  const relevant = evaluated.map(({ query }) => [...dataset.qrels.get(query.id)!.values()].filter((grade) => grade > 0).length);
  const cut = [...relevant].sort((a, b) => a - b)[Math.floor(relevant.length / 4)];
  const tail = relevant.map((_, i) => i).filter((i) => relevant[i] <= cut);
  console.log(`  tail (<= ${cut} relevant documents, ${tail.length} queries), nDCG@10: ` + METHODS.map((m) => `${m} ${mean(tail.map((i) => ndcg[m][i])).toFixed(4)}`).join(', '));
}
