/**
 * Parameter sweeps of the energy index (docs/energy-index.md, "Evaluation"), written as CSV
 * files and heatmaps:
 *  - diffusion grid: one build per (eta, steps), every method scored on all queries;
 *  - weight grid: one build with the default diffusion; every (lambda, dispersion, dirichlet)
 *    combination is scored on the dev queries, the best by dev nDCG@10 is then reported on the
 *    held-out test queries beside the default weights and cosine (never the same queries).
 */
import { EnergyIndex, type BuildOptions } from '@opticspace/index';
import { InvalidInputError } from '@opticspace/gpu';
import { documentText, type RetrievalDataset } from '../dataset/types';
import type { EmbeddedDataset } from '../evaluation/embed';
import { DEFAULT_METHOD_PARAMETERS, type IndexMethodName, type MethodParameters } from '../evaluation/methods';
import { rankWithIndex } from '../evaluation/rank';
import { meanMetrics, type MetricValues } from '../metrics/ranking-metrics';
import { selectQueryVectors, splitQueries } from './query-split';

export interface DiffusionSweepOptions {
  etas?: readonly number[];
  steps?: readonly number[];
  methods?: readonly IndexMethodName[];
  build?: BuildOptions;
  parameters?: MethodParameters;
  seed?: number;
  onCell?: (cell: { eta: number; steps: number }) => void;
}

export interface DiffusionSweepRow {
  eta: number;
  steps: number;
  etaUsed: number;
  method: IndexMethodName;
  metrics: MetricValues;
  buildMs: number;
}

export const DEFAULT_ETAS = [0.05, 0.1, 0.15, 0.2] as const;
export const DEFAULT_STEPS = [2, 4, 6, 8] as const;

function checkGrid(name: string, values: readonly number[], integer: boolean): void {
  if (values.length === 0) throw new InvalidInputError(`${name}: the grid is empty`);
  for (const value of values) {
    if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw new InvalidInputError(`${name}: expected ${integer ? 'non-negative integers' : 'non-negative numbers'}, got ${value}`);
    }
  }
}

export async function runDiffusionSweep(dataset: RetrievalDataset, embedded: EmbeddedDataset, options: DiffusionSweepOptions = {}): Promise<DiffusionSweepRow[]> {
  const etas = options.etas ?? DEFAULT_ETAS;
  const stepsGrid = options.steps ?? DEFAULT_STEPS;
  checkGrid('eta', etas, false);
  checkGrid('steps', stepsGrid, true);
  const methods = options.methods ?? ['energy', 'hybrid', 'lambdaAware'];
  const parameters = options.parameters ?? DEFAULT_METHOD_PARAMETERS;
  const queryIds = dataset.queries.map((query) => query.id);
  const rows: DiffusionSweepRow[] = [];
  for (const eta of etas) {
    for (const steps of stepsGrid) {
      const start = performance.now();
      const index = await EnergyIndex.build(embedded.documents, { seed: options.seed ?? 42, ...options.build, eta, steps, dimension: embedded.dims, documents: dataset.corpus.map(documentText) });
      const buildMs = performance.now() - start;
      try {
        for (const method of methods) {
          const rankings = await rankWithIndex(index, dataset, embedded.queries, method, parameters);
          rows.push({ eta, steps, etaUsed: index.report.etaUsed, method, metrics: meanMetrics(rankings, dataset.qrels, queryIds).metrics, buildMs });
        }
      } finally {
        index.dispose();
      }
      options.onCell?.({ eta, steps });
    }
  }
  return rows;
}

export interface WeightSweepOptions {
  lambdas?: readonly number[];
  dispersions?: readonly number[];
  dirichlets?: readonly number[];
  /** 'energy' (pure distance) or 'hybrid' (cosine candidates re-ranked). */
  method?: 'energy' | 'hybrid';
  build?: BuildOptions;
  parameters?: MethodParameters;
  seed?: number;
  devFraction?: number;
  onCombination?: () => void;
}

export interface WeightSweepRow {
  lambda: number;
  dispersion: number;
  dirichlet: number;
  dev: MetricValues;
}

export interface WeightSweepResult {
  method: 'energy' | 'hybrid';
  devQueries: number;
  testQueries: number;
  rows: WeightSweepRow[];
  best: { lambda: number; dispersion: number; dirichlet: number };
  /** on the held-out test queries */
  test: { tuned: MetricValues; defaultWeights: MetricValues; cosine: MetricValues };
}

export const DEFAULT_WEIGHT_GRID = [0, 0.25, 0.5, 1] as const;

export function weightCombinations(lambdas: readonly number[], dispersions: readonly number[], dirichlets: readonly number[]): Array<{ lambda: number; dispersion: number; dirichlet: number }> {
  checkGrid('lambda', lambdas, false);
  checkGrid('dispersion', dispersions, false);
  checkGrid('dirichlet', dirichlets, false);
  const combinations = [];
  for (const lambda of lambdas) {
    for (const dispersion of dispersions) {
      for (const dirichlet of dirichlets) {
        // All-zero weights rank every item equally: nothing to measure.
        if (lambda === 0 && dispersion === 0 && dirichlet === 0) continue;
        combinations.push({ lambda, dispersion, dirichlet });
      }
    }
  }
  return combinations;
}

export async function runWeightSweep(dataset: RetrievalDataset, embedded: EmbeddedDataset, options: WeightSweepOptions = {}): Promise<WeightSweepResult> {
  const method = options.method ?? 'energy';
  const base = options.parameters ?? DEFAULT_METHOD_PARAMETERS;
  const combinations = weightCombinations(options.lambdas ?? DEFAULT_WEIGHT_GRID, options.dispersions ?? DEFAULT_WEIGHT_GRID, options.dirichlets ?? DEFAULT_WEIGHT_GRID);
  const seed = options.seed ?? 42;
  const { dev, test } = splitQueries(dataset, seed, options.devFraction ?? 0.5);
  const devVectors = selectQueryVectors(dataset, dev, embedded.queries, embedded.dims);
  const testVectors = selectQueryVectors(dataset, test, embedded.queries, embedded.dims);
  const index = await EnergyIndex.build(embedded.documents, { seed, ...options.build, dimension: embedded.dims });
  try {
    const score = async (subset: RetrievalDataset, vectors: Float32Array, searchMethod: IndexMethodName, weights: MethodParameters['weights']): Promise<MetricValues> => {
      const rankings = await rankWithIndex(index, subset, vectors, searchMethod, { ...base, weights });
      return meanMetrics(rankings, subset.qrels, subset.queries.map((query) => query.id)).metrics;
    };
    const rows: WeightSweepRow[] = [];
    for (const weights of combinations) {
      rows.push({ ...weights, dev: await score(dev, devVectors, method, weights) });
      options.onCombination?.();
    }
    // Best on dev by nDCG@10; ties keep the earlier (grid-order) combination.
    let best = rows[0];
    for (const row of rows) if (row.dev['ndcg@10'] > best.dev['ndcg@10']) best = row;
    const bestWeights = { lambda: best.lambda, dispersion: best.dispersion, dirichlet: best.dirichlet };
    return {
      method,
      devQueries: dev.queries.length,
      testQueries: test.queries.length,
      rows,
      best: bestWeights,
      test: {
        tuned: await score(test, testVectors, method, bestWeights),
        defaultWeights: await score(test, testVectors, method, base.weights),
        cosine: await score(test, testVectors, 'cosine', base.weights),
      },
    };
  } finally {
    index.dispose();
  }
}
