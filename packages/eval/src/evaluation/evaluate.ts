/**
 * One evaluation run: embed, build the energy index once, search every query with every
 * method (and BM25), and average the metrics. The JSON written by `opticspace eval
 * --json` is exactly `EvaluationReport`.
 * Metrics: docs/energy-index.md, "Evaluation".
 */
import { EnergyIndex, type BuildOptions, type BuildReport } from '@opticspace/index';
import type { RetrievalDataset } from '../dataset/types';
import type { Embedder } from '../embedder/embedder';
import { LexicalEmbedder } from '../embedder/lexical-embedder';
import { meanMetrics, type MetricValues } from '../metrics/ranking-metrics';
import { embedDataset } from './embed';
import { DEFAULT_METHOD_PARAMETERS, DEFAULT_METHODS, type MethodName, type MethodParameters } from './methods';
import { rankWithBlend, rankWithBm25, rankWithIndex, type Rankings } from './rank';

export interface EvaluationOptions {
  methods?: readonly MethodName[];
  /** Default: LexicalEmbedder({ dims, seed }). */
  embedder?: Embedder;
  dims?: number;
  seed?: number;
  build?: BuildOptions;
  parameters?: Partial<MethodParameters>;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface EvaluationReport {
  dataset: string;
  docs: number;
  queries: number;
  embedder: string;
  results: Partial<Record<MethodName, MetricValues>>;
  /** milliseconds per stage; `search:<method>` for each method */
  timings: Record<string, number>;
  evaluatedQueries: number;
  parameters: MethodParameters & { seed: number; dims: number };
  build?: Pick<BuildReport, 'backend' | 'adapter' | 'clusters' | 'subCentroids' | 'projectedFeatures' | 'etaRequested' | 'etaUsed' | 'steps' | 'edges' | 'splits' | 'degenerateItems' | 'seed'>;
}

export async function evaluateDataset(dataset: RetrievalDataset, options: EvaluationOptions = {}): Promise<EvaluationReport> {
  const methods = options.methods ?? DEFAULT_METHODS;
  const seed = options.seed ?? 42;
  const embedder = options.embedder ?? new LexicalEmbedder({ dims: options.dims ?? 384, seed });
  const parameters: MethodParameters = {
    ...DEFAULT_METHOD_PARAMETERS,
    ...options.parameters,
    weights: { ...DEFAULT_METHOD_PARAMETERS.weights, ...options.parameters?.weights },
  };
  const indexMethods = methods.filter((method) => method !== 'bm25');
  const total = methods.length + (indexMethods.length > 0 ? 2 : 0);
  let done = 0;
  const step = (stage: string): void => options.onProgress?.(stage, ++done, total);
  const timings: Record<string, number> = {};
  const rankings = new Map<MethodName, Rankings>();
  const report: EvaluationReport = {
    dataset: dataset.name,
    docs: dataset.corpus.length,
    queries: dataset.queries.length,
    embedder: embedder.name,
    results: {},
    timings,
    evaluatedQueries: 0,
    parameters: { ...parameters, seed, dims: embedder.dims },
  };

  if (indexMethods.length > 0) {
    const embedded = await embedDataset(dataset, embedder);
    Object.assign(timings, embedded.timings);
    step('embed');
    let start = performance.now();
    const index = await EnergyIndex.build(embedded.documents, { seed, ...options.build, dimension: embedded.dims });
    timings.buildMs = performance.now() - start;
    const built = index.report;
    report.build = {
      backend: built.backend,
      adapter: built.adapter,
      clusters: built.clusters,
      subCentroids: built.subCentroids,
      projectedFeatures: built.projectedFeatures,
      etaRequested: built.etaRequested,
      etaUsed: built.etaUsed,
      steps: built.steps,
      edges: built.edges,
      splits: built.splits,
      degenerateItems: built.degenerateItems,
      seed: built.seed,
    };
    step('build');
    try {
      for (const method of indexMethods) {
        start = performance.now();
        rankings.set(
          method,
          method === 'blend'
            ? await rankWithBlend(index, dataset, embedded.queries, parameters)
            : await rankWithIndex(index, dataset, embedded.queries, method, parameters),
        );
        timings[`search:${method}`] = performance.now() - start;
        step(method);
      }
    } finally {
      index.dispose();
    }
  }
  if (methods.includes('bm25')) {
    const start = performance.now();
    rankings.set('bm25', rankWithBm25(dataset));
    timings['search:bm25'] = performance.now() - start;
    step('bm25');
  }
  const queryIds = dataset.queries.map((query) => query.id);
  for (const method of methods) {
    const { metrics, evaluatedQueries } = meanMetrics(rankings.get(method)!, dataset.qrels, queryIds);
    report.results[method] = metrics;
    report.evaluatedQueries = evaluatedQueries;
  }
  return report;
}
