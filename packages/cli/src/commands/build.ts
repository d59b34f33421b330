/** `opticspace build`: embed a corpus with the lexical embedder and save an energy index beside it. */
import { documentText, LexicalEmbedder, loadBeirDataset, parseCorpusJsonl, type CorpusDocument, type DimensionReduction, type TermWeighting } from '@opticspace/eval';
import { EnergyIndex } from '@opticspace/index';
import { readFile } from 'node:fs/promises';
import { parseArgs, UsageError, withUsage } from '../args';
import { BUILD_OPTION_SPEC, BUILD_OPTION_USAGE, buildOptionsFrom } from '../index-options';
import { saveIndexBundle } from '../saved-index';

export const usage = `opticspace build --dataset DIR | --corpus FILE.jsonl  --out INDEX [--dims 384] [--seed 42]
  Embeds the corpus (BEIR corpus.jsonl lines {"_id","title","text"}) with the lexical embedder and
  writes INDEX (energy index with the documents' term counts for BM25 and the fusions),
  INDEX.embedder (vocabulary, IDF, projection) and INDEX.docs.jsonl (ids, titles, snippets) so
  that 'opticspace search INDEX "text"' can search with the query's text and embedding.
  --weighting tfidf|bm25 --reduction svd|random-projection   lexical embedder settings
  --k1 K --b B                 BM25 of the index (default 1.2, 0.75)
${BUILD_OPTION_USAGE}`;

const spec = {
  dataset: { type: 'string' },
  corpus: { type: 'string' },
  out: { type: 'string' },
  dims: { type: 'integer', default: 384 },
  seed: { type: 'integer', default: 42 },
  weighting: { type: 'string', choices: ['tfidf', 'bm25'] },
  reduction: { type: 'string', choices: ['svd', 'random-projection'] },
  k1: { type: 'number' },
  b: { type: 'number' },
  ...BUILD_OPTION_SPEC,
} as const;

export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { options } = parseArgs(argv, spec);
    if ((options.dataset === undefined) === (options.corpus === undefined)) throw new UsageError('give exactly one of --dataset DIR or --corpus FILE.jsonl');
    if (!options.out) throw new UsageError('--out INDEX is required');
    let corpus: CorpusDocument[];
    if (options.dataset) corpus = (await loadBeirDataset(options.dataset)).corpus;
    else corpus = parseCorpusJsonl(await readFile(options.corpus!, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read --corpus ${options.corpus}: ${error.code ?? error.message}`);
    }), options.corpus);
    const texts = corpus.map(documentText);
    const embedder = new LexicalEmbedder({
      dims: options.dims,
      seed: options.seed,
      weighting: options.weighting as TermWeighting | undefined,
      reduction: options.reduction as DimensionReduction | undefined,
    });
    let start = performance.now();
    embedder.fit(texts);
    const vectors = embedder.embedDocuments(texts);
    console.error(`build: embedded ${corpus.length} documents with ${embedder.name} (${embedder.vocabularySize} terms) in ${(performance.now() - start).toFixed(0)} ms`);
    start = performance.now();
    const index = await EnergyIndex.build(vectors, { ...buildOptionsFrom(options, options.seed), dimension: embedder.dims, documents: texts, bm25: { k1: options.k1, b: options.b } });
    try {
      const report = index.report;
      console.error(`build: index on ${report.backend} (${report.adapter}) in ${(performance.now() - start).toFixed(0)} ms: X=${report.clusters}, X'=${report.subCentroids}, eta used ${report.etaUsed.toFixed(4)}, edges L0 ${report.edges.bootstrap} / Le ${report.edges.energy}, ${report.degenerateItems.length} degenerate items, ${index.lexical!.terms} terms`);
      await saveIndexBundle(
        options.out,
        index,
        embedder,
        corpus.map((document) => ({ id: document.id, title: document.title, snippet: document.text.slice(0, 160) })),
      );
    } finally {
      index.dispose();
    }
    console.log(`wrote ${options.out} (+ .embedder, .docs.jsonl): ${corpus.length} documents, ${options.dims} dims`);
    return 0;
  });
}
