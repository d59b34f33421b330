/** Build and search parameters: defaults (the setting of docs/energy-index.md, "Reference figures") and validation. */
import { InvalidParameterError, boolean, integer, oneOf, range, stripUndefined } from '@opticspace/gpu';
import { DEFAULT_METHOD, fusionCandidates, SEARCH_METHOD_NAMES, type SearchMethod } from './methods';

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
  /** RM3 query expansion of BM25 (bm25Rm3). */
  rm3: Rm3Parameters;
  /** Rocchio feedback of dense query vectors (cosineRocchio). */
  rocchio: RocchioParameters;
  /** The fusions of a lexical and a dense list (rrf, linear). */
  fusion: FusionParameters;
}

export interface Rm3Parameters {
  /** Feedback documents: the first pass's top documents. */
  documents: number;
  /** Expansion terms kept from the relevance model. */
  terms: number;
  /** Weight of the original query against the relevance model (lambda of RM3). */
  originalWeight: number;
}

export interface RocchioParameters {
  /** Feedback documents: the first pass's top items. */
  documents: number;
  /** q' = alpha q / |q| + beta mean(x / |x|) over the feedback items. */
  alpha: number;
  beta: number;
}

export interface FusionParameters {
  /** The lexical list: a method whose fusionRole is 'lexical' (methods.ts). */
  lexical: SearchMethod;
  /** The dense list: a method whose fusionRole is 'dense'. */
  dense: SearchMethod;
  /** Candidates taken from each list (at least k). */
  depth: number;
  /** Reciprocal rank fusion constant: a list adds weight / (rrfK + rank). */
  rrfK: number;
  /** Weight of each list; energy > 0 adds the energy distance of the candidates as a third list. */
  weights: { lexical: number; dense: number; energy: number };
}

type NestedPartial<T> = { [K in keyof T]?: T[K] extends object ? NestedPartial<T[K]> : T[K] };
export type SearchOptions = NestedPartial<SearchParameters>;

export const DEFAULT_SEARCH: SearchParameters = {
  k: 10,
  method: DEFAULT_METHOD,
  alpha: 0.7,
  weights: { lambda: 1, dispersion: 0.5, dirichlet: 0.25 },
  candidates: 100,
  // Feedback and fusion settings of the default method, chosen with it by cross-validation over
  // both development collections (docs/results/default-method.md); rrfK is the best of the grid's
  // 10 / 30 / 60 for rrf over the same lists.
  rm3: { documents: 2, terms: 40, originalWeight: 0.5 },
  rocchio: { documents: 2, alpha: 1, beta: 0.5 },
  fusion: { lexical: 'bm25Rm3', dense: 'cosineRocchio', depth: 100, rrfK: 10, weights: { lexical: 1, dense: 0.5, energy: 0.1 } },
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
  boolean('projection.enabled', p.projection.enabled);
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
  const d = DEFAULT_SEARCH;
  const f = options.fusion ?? {};
  const p: SearchParameters = {
    ...d,
    ...(stripUndefined(options) as Partial<SearchParameters>),
    weights: { ...d.weights, ...stripUndefined(options.weights ?? {}) },
    rm3: { ...d.rm3, ...stripUndefined(options.rm3 ?? {}) },
    rocchio: { ...d.rocchio, ...stripUndefined(options.rocchio ?? {}) },
    fusion: { ...d.fusion, ...(stripUndefined(f) as Partial<FusionParameters>), weights: { ...d.fusion.weights, ...stripUndefined(f.weights ?? {}) } },
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
  integer('rm3.documents', p.rm3.documents, 1, 2 ** 31);
  integer('rm3.terms', p.rm3.terms, 1, 2 ** 31);
  range('rm3.originalWeight', p.rm3.originalWeight, 0, 1, true);
  integer('rocchio.documents', p.rocchio.documents, 1, 2 ** 31);
  range('rocchio.alpha', p.rocchio.alpha, 0, Infinity, true);
  range('rocchio.beta', p.rocchio.beta, 0, Infinity, true);
  oneOf('fusion.lexical', p.fusion.lexical, fusionCandidates('lexical'));
  oneOf('fusion.dense', p.fusion.dense, fusionCandidates('dense'));
  integer('fusion.depth', p.fusion.depth, 1, 2 ** 31);
  range('fusion.rrfK', p.fusion.rrfK, 0, Infinity, true);
  range('fusion.weights.lexical', p.fusion.weights.lexical, 0, Infinity, true);
  range('fusion.weights.dense', p.fusion.weights.dense, 0, Infinity, true);
  range('fusion.weights.energy', p.fusion.weights.energy, 0, Infinity, true);
  if (!(p.fusion.weights.lexical + p.fusion.weights.dense > 0)) {
    throw new InvalidParameterError('fusion.weights', 'lexical + dense > 0 (the fused lists)', p.fusion.weights);
  }
  return p;
}
