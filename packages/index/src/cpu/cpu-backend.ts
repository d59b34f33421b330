/** The plain-TypeScript backend: the reference of every kernel and the no-WebGPU fallback. */
import type { IndexBackend, ItemSignatureValues, ResidentItems } from '../backend';
import { diffuse } from '../diffusion';
import { profileNeighboursReference, type FeatureGraph } from '../feature-graph';
import { referenceLloyd } from '../kmeans';
import { multiply, type Matrix } from '../matrix';
import { rowEnergiesReference } from '../row-energies';
import { scoreKeysReference, topKReference, type ItemStore, type PreparedQueries, type ScoreWeights } from '../search';
import type { ScoreMode } from '../methods';

export class CpuBackend implements IndexBackend {
  readonly kind = 'cpu' as const;
  readonly adapter = 'typescript';
  readonly lloyd = referenceLloyd;
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

/** Items held in host memory; scoring in queries of 16 to bound the key matrix. */
class CpuItems implements ResidentItems {
  private store: ItemStore;

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

  async scoreTopK(queries: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number) {
    const count = queries.vectors.rows;
    const indices = new Uint32Array(count * k);
    const keys = new Float32Array(count * k);
    const chunk = 16;
    for (let start = 0; start < count; start += chunk) {
      const part = sliceQueries(queries, start, Math.min(count, start + chunk));
      const rows = part.vectors.rows;
      const top = topKReference(scoreKeysReference(this.store, part, mode, weights), rows, k);
      indices.set(top.indices, start * k);
      keys.set(top.keys, start * k);
    }
    return { queries: count, k, indices, keys };
  }

  dispose(): void {}
}

/** Queries [start, end) of a prepared batch (views, no copies). */
export function sliceQueries(q: PreparedQueries, start: number, end: number): PreparedQueries {
  const f = q.vectors.columns;
  const rows = end - start;
  return {
    vectors: { data: q.vectors.data.subarray(start * f, end * f), rows, columns: f },
    laplacianTimesQuery: { data: q.laplacianTimesQuery.data.subarray(start * f, end * f), rows, columns: f },
    lambda: q.lambda.subarray(start, end),
    dispersion: q.dispersion.subarray(start, end),
    quadratic: q.quadratic.subarray(start, end),
    norm: q.norm.subarray(start, end),
    degenerate: q.degenerate.filter((i) => i >= start && i < end).map((i) => i - start),
  };
}
