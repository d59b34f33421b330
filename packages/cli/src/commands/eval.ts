/** `opticspace eval`: every method on a BEIR dataset, one table, optional JSON report. */
import { DEFAULT_METHODS, METHOD_NAMES, createEmbedder, EMBEDDER_SPEC_USAGE, evaluateDataset, loadBeirDataset, METRIC_NAMES, parseMethods, type DimensionReduction, type TermWeighting } from '@opticspace/eval';
import { parseArgs, withUsage, UsageError } from '../args';
import { checkOutputFile, writeOutput } from '../files';
import { BUILD_OPTION_SPEC, BUILD_OPTION_USAGE, buildOptionsFrom } from '../index-options';
import { formatTable } from '../table';

export const usage = `opticspace eval --dataset DIR [--methods cosine,lambdaAware,energy,hybrid,bm25] (also: blend) [--dims 384] [--seed 42] [--json FILE]
  Evaluates retrieval on a BEIR-layout dataset (corpus.jsonl, queries.jsonl, qrels/test.tsv):
  nDCG@10, MRR@10, MAP@20, Recall@10, Recall@20 per method.
  --embedder ${EMBEDDER_SPEC_USAGE}
                                the dense embedder (default lexical: LSA, --dims)
  --weighting tfidf|bm25        lexical embedder term weights (default: the embedder's, bm25)
  --reduction svd|random-projection  lexical embedder reduction (default svd = LSA)
  --alpha A                     lambdaAware cosine weight (default 0.7)
  --weights L,G,D               energy weights lambda, dispersion, dirichlet (default 1,0.5,0.25)
  --candidates M                hybrid: cosine candidates re-ranked (default 100)
  --beta B                      blend: cosine - B * energy distance (default 0.3; add 'blend' to --methods)
${BUILD_OPTION_USAGE}`;

const spec = {
  dataset: { type: 'string' },
  methods: { type: 'list', choices: METHOD_NAMES, default: DEFAULT_METHODS },
  dims: { type: 'integer', default: 384 },
  seed: { type: 'integer', default: 42 },
  json: { type: 'string' },
  embedder: { type: 'string', default: 'lexical' },
  weighting: { type: 'string', choices: ['tfidf', 'bm25'] },
  reduction: { type: 'string', choices: ['svd', 'random-projection'] },
  alpha: { type: 'number', default: 0.7 },
  weights: { type: 'numberList', default: [1, 0.5, 0.25] },
  candidates: { type: 'integer', default: 100 },
  beta: { type: 'number', default: 0.3 },
  ...BUILD_OPTION_SPEC,
} as const;

export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { options } = parseArgs(argv, spec);
    if (!options.dataset) throw new UsageError('--dataset DIR is required');
    if (options.weights.length !== 3) throw new UsageError(`--weights expects 3 numbers (lambda,dispersion,dirichlet), got ${options.weights.length}`);
    const methods = parseMethods(options.methods);
    if (options.json) await checkOutputFile(options.json);
    const dataset = await loadBeirDataset(options.dataset);
    const embedder = await createEmbedder(options.embedder, {
      dims: options.dims,
      seed: options.seed,
      weighting: options.weighting as TermWeighting | undefined,
      reduction: options.reduction as DimensionReduction | undefined,
    });
    console.error(`eval: ${dataset.name}: ${dataset.corpus.length} documents, ${dataset.queries.length} queries, embedder ${embedder.name}`);
    const [lambda, dispersion, dirichlet] = options.weights;
    const report = await evaluateDataset(dataset, {
      methods,
      embedder,
      seed: options.seed,
      build: buildOptionsFrom(options, options.seed),
      parameters: { alpha: options.alpha, weights: { lambda, dispersion, dirichlet }, candidates: options.candidates, blendBeta: options.beta },
      onProgress: (stage, done, total) => console.error(`  [${done}/${total}] ${stage}`),
    });
    const rows = methods.map((method) => [
      method,
      ...METRIC_NAMES.map((name) => report.results[method]![name].toFixed(4)),
      (report.timings[`search:${method}`] ?? 0).toFixed(0),
    ]);
    console.log(`${report.dataset}: ${report.docs} docs, ${report.evaluatedQueries} queries, embedder ${report.embedder}` + (report.build ? `, index backend ${report.build.backend} (${report.build.adapter}), X=${report.build.clusters}, eta used ${report.build.etaUsed.toFixed(4)}` : ''));
    console.log(formatTable(['method', ...METRIC_NAMES, 'search ms'], rows));
    if (options.json) {
      await writeOutput(options.json, JSON.stringify(report, null, 2) + '\n');
      console.error(`eval: wrote ${options.json}`);
    }
    return 0;
  });
}
