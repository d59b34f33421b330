/** `opticspace eval`: every method on a BEIR dataset, one table, optional JSON report. */
import {
  DEFAULT_METHODS,
  DIVERSITY_METRIC_NAMES,
  METHOD_NAMES,
  createEmbedder,
  EMBEDDER_SPEC_USAGE,
  evaluateDataset,
  loadBeirDataset,
  METRIC_NAMES,
  parseMethods,
  type DimensionReduction,
  type TermWeighting,
} from '@opticspace/eval';
import { parseArgs, withUsage, UsageError } from '../args';
import { checkOutputFile, writeOutput } from '../files';
import { BUILD_OPTION_SPEC, BUILD_OPTION_USAGE, buildOptionsFrom } from '../index-options';
import { METHODS_USAGE, SEARCH_PARAMS_SPEC, SEARCH_PARAMS_USAGE, searchParamsFrom } from '../search-params';
import { formatTable } from '../table';

export const usage = `opticspace eval --dataset DIR [--methods LIST] [--dims 384] [--seed 42] [--json FILE]
  Evaluates retrieval on a BEIR-layout dataset (corpus.jsonl, queries.jsonl, qrels/test.tsv):
  nDCG@10, MRR@10, MAP@20, Recall@10, Recall@20, Recall@100 per method, and the diversity of the
  top 10: alpha-nDCG@10 and distinct classes with the documents' labels as subtopics (corpus
  fields subtopics, labels or cwe; n/a without), intra-list cosine distance in the embedding.
  --methods LIST                default: every index method below; also: blend
${METHODS_USAGE}
  --embedder ${EMBEDDER_SPEC_USAGE}
                                the dense embedder (default lexical: LSA, --dims)
  --weighting tfidf|bm25        lexical embedder term weights (default: the embedder's, bm25)
  --reduction svd|random-projection  lexical embedder reduction (default svd = LSA)
  --alpha A                     lambdaAware cosine weight (default 0.7)
  --weights L,G,D               energy weights lambda, dispersion, dirichlet (default 1,0.5,0.25)
  --candidates M                hybrid: cosine candidates re-ranked (default 100)
  --beta B                      blend: cosine - B * energy distance (default 0.3; add 'blend' to --methods)
${SEARCH_PARAMS_USAGE}
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
  ...SEARCH_PARAMS_SPEC,
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
      parameters: { ...searchParamsFrom(options.params), alpha: options.alpha, weights: { lambda, dispersion, dirichlet }, candidates: options.candidates, blendBeta: options.beta },
      onProgress: (stage, done, total) => console.error(`  [${done}/${total}] ${stage}`),
    });
    const rows = methods.map((method) => [
      method,
      ...[...METRIC_NAMES, ...DIVERSITY_METRIC_NAMES].map((name) => report.results[method]![name]?.toFixed(name === 'classes@10' ? 2 : 4) ?? 'n/a'),
      (report.timings[`search:${method}`] ?? 0).toFixed(0),
    ]);
    console.log(`${report.dataset}: ${report.docs} docs, ${report.evaluatedQueries} queries, embedder ${report.embedder}` + (report.build ? `, index backend ${report.build.backend} (${report.build.adapter}), X=${report.build.clusters}, eta used ${report.build.etaUsed.toFixed(4)}` : ''));
    console.log(formatTable(['method', ...METRIC_NAMES, ...DIVERSITY_METRIC_NAMES, 'search ms'], rows));
    if (options.json) {
      await writeOutput(options.json, JSON.stringify(report, null, 2) + '\n');
      console.error(`eval: wrote ${options.json}`);
    }
    return 0;
  });
}
