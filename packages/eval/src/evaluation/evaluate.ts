/**
 * One evaluation run: embed, build the energy index once (with the documents' terms, for the
 * lexical methods), search every query with every method, and average the ranking metrics and
 * the diversity metrics. The JSON written by `opticspace eval --json` is exactly
 * `EvaluationReport`.
 * Metrics: docs/energy-index.md, "Evaluation".
 */
import { EnergyIndex, type BuildOptions, type BuildReport } from '@opticspace/index';
import { documentText, type RetrievalDataset } from '../dataset/types';
import type { Embedder } from '../embedder/embedder';
import { LexicalEmbedder } from '../embedder/lexical-embedder';
import { DIVERSITY_METRIC_NAMES, diversityMetrics, documentLabels, type DiversityValues } from '../metrics/diversity';
import { isEvaluated, meanMetrics, type MetricValues } from '../metrics/ranking-metrics';
import { embedDataset, type EmbeddedDataset } from './embed';
import { DEFAULT_METHODS, resolveMethodParameters, type MethodName, type MethodOptions, type MethodParameters } from './methods';
import { rankWithBlend, rankWithIndex, type Rankings } from './rank';

export interface EvaluationOptions {
  methods?: readonly MethodName[];
  /** Default: LexicalEmbedder({ dims, seed }). */
  embedder?: Embedder;
  dims?: number;
  seed?: number;
  build?: BuildOptions;
  parameters?: MethodOptions;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface EvaluationReport {
  dataset: string;
  docs: number;
  queries: number;
  embedder: string;
  /** Per method: the ranking metrics and the diversity metrics (alpha-nDCG and classes null without document labels). */
  results: Partial<Record<MethodName, MetricValues & DiversityValues>>;
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
  const parameters = resolveMethodParameters(options.parameters);
  const total = methods.length + 2;
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

  const embedded = await embedDataset(dataset, embedder);
  Object.assign(timings, embedded.timings);
  step('embed');
  let start = performance.now();
  const index = await EnergyIndex.build(embedded.documents, { seed, ...options.build, dimension: embedded.dims, documents: dataset.corpus.map(documentText) });
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
    for (const method of methods) {
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
  const queryIds = dataset.queries.map((query) => query.id);
  for (const method of methods) {
    const { metrics, evaluatedQueries } = meanMetrics(rankings.get(method)!, dataset.qrels, queryIds);
    report.results[method] = { ...metrics, ...meanDiversity(rankings.get(method)!, dataset, embedded) };
    report.evaluatedQueries = evaluatedQueries;
  }
  return report;
}

/** Diversity metrics averaged over the evaluated queries (those with a relevant document). */
export function meanDiversity(rankings: Rankings, dataset: RetrievalDataset, embedded: EmbeddedDataset): DiversityValues {
  const labels = documentLabels(dataset.corpus);
  const rowOf = new Map(dataset.corpus.map((document, row) => [document.id, row]));
  const vectorOf = (id: string) => embedded.documents.subarray(rowOf.get(id)! * embedded.dims, (rowOf.get(id)! + 1) * embedded.dims);
  const totals = { 'alpha-ndcg@10': 0, 'classes@10': 0, 'ild@10': 0 };
  let count = 0;
  for (const query of dataset.queries) {
    const judged = dataset.qrels.get(query.id);
    if (!isEvaluated(judged)) continue;
    const values = diversityMetrics(rankings.get(query.id) ?? [], judged, labels, vectorOf);
    for (const name of DIVERSITY_METRIC_NAMES) totals[name] += values[name] ?? 0;
    count++;
  }
  const mean = (name: (typeof DIVERSITY_METRIC_NAMES)[number]) => (count > 0 ? totals[name] / count : 0);
  return { 'alpha-ndcg@10': labels ? mean('alpha-ndcg@10') : null, 'classes@10': labels ? mean('classes@10') : null, 'ild@10': mean('ild@10') };
}
