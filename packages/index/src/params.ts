/** Build and search parameters: defaults (following the spec's cranfield setting) and validation. */
import { InvalidParameterError } from './errors';
import { integer, oneOf, range, stripUndefined } from './validate';
import { SEARCH_METHOD_NAMES, type SearchMethod } from './methods';

export type Pipeline = 'energy' | 'classic';
export type BackendChoice = 'webgpu' | 'cpu' | 'auto';
export type TauChoice = 'median' | { fixed: number };

export interface GraphParameters {
  /** Keep feature pairs with cosine distance 1 - cos <= eps (0..2). */
  eps: number;
  /** Exact kNN: neighbours kept per feature before the union symmetrisation. */
  topk: number;
  /** Weight w = 1 / (1 + (d / sigma)^p); defaults to eps (as arrowspace does). */
  sigma: number;
  p: number;
}

export interface BuildProgress {
  stage: StageName;
  /** Stages done so far, including this one, out of `total`. */
  done: number;
  total: number;
  ms: number;
}

export type StageName =
  | 'input'
  | 'projection'
  | 'clustering'
  | 'opticalCompression'
  | 'bootstrapGraph'
  | 'diffusion'
  | 'splitting'
  | 'energyGraph'
  | 'signatures'
  | 'upload'
  | 'lexical';

export interface BuildParameters {
  pipeline: Pipeline;
  seed: number;
  projection: { enabled: boolean; eps: number };
  /** Number of k-means clusters X; default clamp(round(sqrt(N)), 2, 1024), never above N. */
  clusters: number | null;
  kmeansIterations: number;
  /** Lloyd stops when at most this fraction of the points changed cluster (0: only when none did). */
  kmeansTolerance: number;
  /** k-means (seeding and Lloyd steps) runs on a seeded sample of at most this many items. */
  kmeansSample: number;
  /** Token budget T of the optical compression (null: no compression). */
  opticalTokens: number | null;
  trimQuantile: number;
  graph: GraphParameters;
  eta: number;
  steps: number;
  /** Centroids with dispersion G >= this quantile are split; 1 disables splitting. */
  splitQuantile: number;
  neighbourK: number;
  splitTau: number;
  tau: TauChoice;
  backend: BackendChoice;
}

export type BuildOptions = Partial<Omit<BuildParameters, 'graph' | 'projection'>> & {
  graph?: Partial<GraphParameters>;
  projection?: Partial<BuildParameters['projection']>;
  onProgress?: (progress: BuildProgress) => void;
  /** A WebGPU context to use (default: the shared device from getDevice()). */
  gpu?: import('@opticspace/gpu').GpuContext;
};

export const DEFAULT_BUILD: BuildParameters = {
  pipeline: 'energy',
  seed: 42,
  projection: { enabled: false, eps: 0.5 },
  clusters: null,
  kmeansIterations: 25,
  kmeansTolerance: 0.001,
  kmeansSample: 16384,
  opticalTokens: null,
  trimQuantile: 0.1,
  graph: { eps: 1, topk: 6, sigma: 1, p: 2 },
  eta: 0.1,
  steps: 4,
  splitQuantile: 1,
  neighbourK: 4,
  splitTau: 0.5,
  tau: 'median',
  backend: 'auto',
};

export interface SearchParameters {
  k: number;
  method: SearchMethod;
  /** lambdaAware: weight of cosine against lambda proximity. */
  alpha: number;
  /** energy/hybrid distance weights. */
  weights: { lambda: number; dispersion: number; dirichlet: number };
  /** hybrid: cosine candidates M re-ranked by energy. */
  candidates: number;
}

export type SearchOptions = Partial<Omit<SearchParameters, 'weights'>> & { weights?: Partial<SearchParameters['weights']> };

export const DEFAULT_SEARCH: SearchParameters = {
  k: 10,
  method: 'energy',
  alpha: 0.7,
  weights: { lambda: 1, dispersion: 0.5, dirichlet: 0.25 },
  candidates: 100,
};

/** Merges options over the defaults and validates every field. */
export function resolveBuildParameters(options: BuildOptions = {}): BuildParameters {
  const p: BuildParameters = {
    ...DEFAULT_BUILD,
    ...stripUndefined(options),
    graph: {
      ...DEFAULT_BUILD.graph,
      ...stripUndefined(options.graph ?? {}),
      sigma: options.graph?.sigma ?? (options.graph?.eps ? options.graph.eps : DEFAULT_BUILD.graph.sigma),
    },
    projection: { ...DEFAULT_BUILD.projection, ...stripUndefined(options.projection ?? {}) },
  };
  delete (p as Partial<BuildOptions>).onProgress;
  delete (p as Partial<BuildOptions>).gpu;
  oneOf('pipeline', p.pipeline, ['energy', 'classic']);
  oneOf('backend', p.backend, ['webgpu', 'cpu', 'auto']);
  integer('seed', p.seed, 0, 2 ** 32 - 1);
  if (typeof p.projection.enabled !== 'boolean') throw new InvalidParameterError('projection.enabled', 'a boolean', p.projection.enabled);
  range('projection.eps', p.projection.eps, 0, 1, false);
  if (p.clusters !== null) integer('clusters', p.clusters, 1, 1 << 20);
  integer('kmeansIterations', p.kmeansIterations, 1, 10_000);
  range('kmeansTolerance', p.kmeansTolerance, 0, 1, true);
  integer('kmeansSample', p.kmeansSample, 1, 2 ** 31);
  if (p.opticalTokens !== null) integer('opticalTokens', p.opticalTokens, 1, 1 << 20);
  range('trimQuantile', p.trimQuantile, 0, 1, true, false);
  range('graph.eps', p.graph.eps, 0, 2, true);
  integer('graph.topk', p.graph.topk, 1, 1 << 16);
  range('graph.sigma', p.graph.sigma, 0, Infinity, false);
  range('graph.p', p.graph.p, 0, Infinity, false);
  range('eta', p.eta, 0, Infinity, true);
  integer('steps', p.steps, 0, 100_000);
  range('splitQuantile', p.splitQuantile, 0, 1, true);
  integer('neighbourK', p.neighbourK, 1, 1 << 16);
  range('splitTau', p.splitTau, 0, Infinity, true);
  if (p.tau !== 'median') {
    if (typeof p.tau !== 'object' || p.tau === null || !('fixed' in p.tau)) {
      throw new InvalidParameterError('tau', "'median' or { fixed: number > 0 }", p.tau);
    }
    range('tau.fixed', p.tau.fixed, 0, Infinity, false);
  }
  return p;
}

export function resolveSearchParameters(options: SearchOptions = {}, itemCount: number): SearchParameters {
  const p: SearchParameters = {
    ...DEFAULT_SEARCH,
    ...stripUndefined(options),
    weights: { ...DEFAULT_SEARCH.weights, ...stripUndefined(options.weights ?? {}) },
  };
  oneOf('method', p.method, SEARCH_METHOD_NAMES);
  if (!Number.isInteger(p.k) || p.k < 1 || p.k > itemCount) {
    throw new InvalidParameterError('k', `an integer in [1, ${itemCount}] (the number of indexed items)`, p.k);
  }
  range('alpha', p.alpha, 0, 1, true);
  range('weights.lambda', p.weights.lambda, 0, Infinity, true);
  range('weights.dispersion', p.weights.dispersion, 0, Infinity, true);
  range('weights.dirichlet', p.weights.dirichlet, 0, Infinity, true);
  integer('candidates', p.candidates, 1, 2 ** 31);
  return p;
}
