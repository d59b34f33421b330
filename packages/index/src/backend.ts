/**
 * The compute backend of a build and of search: the plain-TS reference (cpu) or WebGPU.
 * Stages call these few heavy operations; everything else is shared TS code, so the two
 * backends differ only in the kernels they run.
 */
import type { FeatureGraph, FindProfileNeighbours } from './feature-graph';
import type { RunKMeans } from './kmeans';
import type { Matrix } from './matrix';
import type { RowEnergies } from './row-energies';
import type { PreparedQueries, ScoreWeights, TopK } from './search';
import type { ScoreMode } from './methods';
import type { SparseMatrix } from './lexical/bm25';
import type { SparseRow } from './lexical/vocabulary';

export interface ItemSignatureValues {
  lambda: Float32Array;
  dispersion: Float32Array;
  quadratic: Float32Array;
  norm: Float32Array;
}

/** The item vectors (and, after the signature pass, their signatures) where search runs. */
export interface ResidentItems {
  /** Per-item (yT y, yT L y, sum c_e^2) over a graph: the signature pass for all N items. */
  energies(graph: FeatureGraph): Promise<RowEnergies>;
  setSignatures(values: ItemSignatureValues): void;
  /** Scores every item for every query and returns the top-k rank keys (larger is better). */
  scoreTopK(queries: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number): Promise<TopK>;
  /** Bytes the items take where search runs (vectors and signatures). */
  readonly residentBytes: number;
  /** Keeps the [items, terms] BM25 weight matrix for lexicalTopK (replacing any before). */
  setLexical(matrix: SparseMatrix): void;
  /** Lexical scores S q of every item for each query's term weights q, then top-k. */
  lexicalTopK(queries: readonly SparseRow[], k: number): Promise<TopK>;
  dispose(): void;
}

export interface IndexBackend {
  readonly kind: 'cpu' | 'webgpu';
  /** Adapter name for reports ('typescript' for the CPU backend). */
  readonly adapter: string;
  project(items: Matrix, projection: Matrix): Promise<Matrix>;
  /** k-means++ seeding and Lloyd iterations on the (sampled) points. */
  kmeans: RunKMeans;
  /** Profile cosines (one GEMM) and the exact kNN of every feature. */
  profileNeighbours: FindProfileNeighbours;
  diffuse(centroids: Matrix, graph: FeatureGraph, eta: number, steps: number): Promise<Matrix>;
  rowEnergies(rows: Matrix, graph: FeatureGraph): Promise<RowEnergies>;
  residentItems(vectors: Matrix): Promise<ResidentItems>;
}
