/** The plain-TypeScript backend: the reference of every kernel and the no-WebGPU fallback. */
import type { IndexBackend, ItemSignatureValues, ResidentItems } from '../backend';
import { diffuse } from '../diffusion';
import { profileNeighboursReference, type FeatureGraph } from '../feature-graph';
import { kmeansReference } from '../kmeans';
import { multiply, type Matrix } from '../matrix';
import { rowEnergiesReference } from '../row-energies';
import { scoreKeysReference, sliceQueries, topKInChunks, topKOfKeys, type ItemStore, type PreparedQueries, type ScoreWeights } from '../search';
import { lexicalKeysReference, termColumns, type SparseMatrix } from '../lexical/bm25';
import type { SparseRow } from '../lexical/vocabulary';
import type { ScoreMode } from '../methods';

export class CpuBackend implements IndexBackend {
  readonly kind = 'cpu' as const;
  readonly adapter = 'typescript';
  readonly kmeans = kmeansReference;
  readonly profileNeighbours = profileNeighboursReference;

  async project(items: Matrix, projection: Matrix): Promise<Matrix> {
    return multiply(items, projection);
  }

  async diffuse(centroids: Matrix, graph: FeatureGraph, eta: number, steps: number): Promise<Matrix> {
    return diffuse(centroids, graph, eta, steps);
  }

  rowEnergies(rows: Matrix, graph: FeatureGraph) {
    return rowEnergiesReference(rows, graph);
  }

  async residentItems(vectors: Matrix): Promise<ResidentItems> {
    return new CpuItems(vectors);
  }
}

/** Queries scored at a time (bounds the [queries, N] key matrix). */
const CHUNK = 16;

/** Items held in host memory. */
class CpuItems implements ResidentItems {
  private store: ItemStore;
  private lexical: SparseMatrix | null = null;

  constructor(vectors: Matrix) {
    const empty = new Float32Array(vectors.rows);
    this.store = { vectors, lambda: empty, dispersion: empty, quadratic: empty, norm: empty };
  }

  energies(graph: FeatureGraph) {
    return rowEnergiesReference(this.store.vectors, graph);
  }

  setSignatures(values: ItemSignatureValues): void {
    this.store = { vectors: this.store.vectors, ...values };
  }

  /** The vectors and the four signature arrays (the vectors are shared with the index's state). */
  get residentBytes(): number {
    return this.store.vectors.data.byteLength + 4 * this.store.lambda.byteLength;
  }

  scoreTopK(queries: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number) {
    return topKInChunks(queries.vectors.rows, k, CHUNK, async (start, end) =>
      topKOfKeys(scoreKeysReference(this.store, sliceQueries(queries, start, end), mode, weights), end - start, k),
    );
  }

  setLexical(matrix: SparseMatrix): void {
    this.lexical = matrix;
  }

  lexicalTopK(queries: readonly SparseRow[], k: number) {
    const matrix = this.lexical;
    if (!matrix) throw new Error('lexicalTopK before setLexical');
    return topKInChunks(queries.length, k, CHUNK, async (start, end) => {
      const part = queries.slice(start, end);
      return topKOfKeys(lexicalKeysReference(matrix, termColumns(part, matrix.columns), part.length), part.length, k);
    });
  }

  dispose(): void {}
}
