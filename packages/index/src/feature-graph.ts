/**
 * Steps 4 and 7: the feature graph and its Laplacian. Nodes are the F'
 * features; a feature's profile is its column of the centroid matrix. One GEMM gives every
 * profile cosine; each feature keeps its `topk` most similar other features (exact kNN, ties to
 * the lower index) with distance d = 1 - cos <= eps, weight w = 1 / (1 + (d / sigma)^p); the
 * graph is the union of both directions; L = D - W (unnormalised), stored as CSR.
 * Design: docs/energy-index.md, "Build" steps 4 and 7.
 */
import { EmptyGraphError } from './errors';
import type { Matrix } from './matrix';
import type { GraphParameters } from './params';

/**
 * The exact kNN of the profiles: for every feature its `perFeature` = min(topk, F' - 1) most
 * similar other features, [F', perFeature] row-major, cosine descending, ties to the lower index.
 */
export interface ProfileNeighbours {
  neighbours: Uint32Array;
  perFeature: number;
}

export type FindProfileNeighbours = (centroids: Matrix, topk: number) => Promise<ProfileNeighbours>;

export interface FeatureGraph {
  features: number;
  /** Undirected edges with source < target, sorted by (source, target). */
  edgeSource: Uint32Array;
  edgeTarget: Uint32Array;
  edgeWeight: Float32Array;
  /** Weighted degree of every feature (the diagonal of L). */
  degree: Float32Array;
  /** CSR of L = D - W including the diagonal, columns ascending per row. */
  rowPointer: Uint32Array;
  columnIndex: Uint32Array;
  values: Float32Array;
}

/** TS reference: cosine of every pair of columns (a zero column has cosine 0 with everything). */
export async function profileCosinesReference(centroids: Matrix): Promise<Matrix> {
  const { rows, columns, data } = centroids;
  const norms = new Float64Array(columns);
  for (let r = 0; r < rows; r++) for (let f = 0; f < columns; f++) norms[f] += data[r * columns + f] ** 2;
  for (let f = 0; f < columns; f++) norms[f] = Math.sqrt(norms[f]);
  const gram = new Float64Array(columns * columns);
  for (let r = 0; r < rows; r++) {
    const o = r * columns;
    for (let a = 0; a < columns; a++) {
      const va = data[o + a];
      if (va === 0) continue;
      for (let b = 0; b < columns; b++) gram[a * columns + b] += va * data[o + b];
    }
  }
  const out = new Float32Array(columns * columns);
  for (let a = 0; a < columns; a++) {
    for (let b = 0; b < columns; b++) {
      const scale = norms[a] * norms[b];
      out[a * columns + b] = scale > 0 ? gram[a * columns + b] / scale : 0;
    }
  }
  return { data: out, rows: columns, columns };
}

/** Kernel weight of a cosine distance. */
export function edgeWeight(distance: number, sigma: number, p: number): number {
  return 1 / (1 + Math.pow(Math.max(0, distance) / sigma, p));
}

/** TS reference of the kNN: every cosine (one GEMM), then an exact top-k per row. */
export async function profileNeighboursReference(centroids: Matrix, topk: number): Promise<ProfileNeighbours> {
  return neighboursFromCosines(await profileCosinesReference(centroids), topk);
}

export function neighboursFromCosines(cosines: Matrix, topk: number): ProfileNeighbours {
  const n = cosines.rows;
  const perFeature = Math.max(0, Math.min(topk, n - 1));
  const neighbours = new Uint32Array(n * perFeature);
  for (let a = 0; a < n; a++) neighbours.set(nearestFeatures(cosines.data.subarray(a * n, (a + 1) * n), a, perFeature), a * perFeature);
  return { neighbours, perFeature };
}

/** Exact (f64) cosine of two profiles: every backend weights an edge with this same value. */
export function profilePairCosine(centroids: Matrix): (a: number, b: number) => number {
  const { rows, columns, data } = centroids;
  const norms = new Float64Array(columns);
  for (let r = 0; r < rows; r++) for (let f = 0; f < columns; f++) norms[f] += data[r * columns + f] ** 2;
  return (a, b) => {
    const scale = Math.sqrt(norms[a] * norms[b]);
    if (!(scale > 0)) return 0;
    let dot = 0;
    for (let r = 0; r < rows; r++) dot += data[r * columns + a] * data[r * columns + b];
    return dot / scale;
  };
}

/**
 * Threshold + weights + union: each selected pair {a, b} becomes an edge when d = 1 - cos <= eps,
 * with cos taken once per unordered pair so both directions agree exactly.
 */
export function graphFromNeighbours(features: number, knn: ProfileNeighbours, pairCosine: (low: number, high: number) => number, graph: GraphParameters): FeatureGraph {
  const pairs = new Map<number, number>();
  for (let a = 0; a < features; a++) {
    for (let i = 0; i < knn.perFeature; i++) {
      const b = knn.neighbours[a * knn.perFeature + i];
      const low = Math.min(a, b);
      const high = Math.max(a, b);
      const key = low * features + high;
      if (pairs.has(key)) continue;
      const distance = 1 - pairCosine(low, high);
      pairs.set(key, distance <= graph.eps ? edgeWeight(distance, graph.sigma, graph.p) : -1);
    }
  }
  const keys = [...pairs.keys()].filter((key) => pairs.get(key)! >= 0).sort((x, y) => x - y);
  const edgeSource = new Uint32Array(keys.length);
  const edgeTarget = new Uint32Array(keys.length);
  const weights = new Float32Array(keys.length);
  keys.forEach((key, e) => {
    edgeSource[e] = Math.floor(key / features);
    edgeTarget[e] = key % features;
    weights[e] = pairs.get(key)!;
  });
  return laplacianFromEdges(features, edgeSource, edgeTarget, weights);
}

/** kNN + threshold + weights + union from a [F', F'] cosine matrix (pair cosines from the matrix). */
export function graphFromCosines(cosines: Matrix, graph: GraphParameters): FeatureGraph {
  const n = cosines.rows;
  return graphFromNeighbours(n, neighboursFromCosines(cosines, graph.topk), (low, high) => cosines.data[low * n + high], graph);
}

/** The `k` largest entries of `row` except `self`, by value descending then index ascending. */
export function nearestFeatures(row: Float32Array, self: number, k: number): number[] {
  const best: number[] = [];
  const limit = Math.min(k, row.length - 1);
  for (let b = 0; b < row.length; b++) {
    if (b === self) continue;
    if (best.length === limit && !(row[b] > row[best[limit - 1]])) continue;
    let position = best.length === limit ? limit - 1 : best.length;
    if (best.length < limit) best.push(b);
    while (position > 0 && row[b] > row[best[position - 1]]) {
      best[position] = best[position - 1];
      position--;
    }
    best[position] = b;
  }
  return best;
}

/** L = D - W as CSR (diagonal included, columns ascending) from an undirected edge list. */
export function laplacianFromEdges(features: number, edgeSource: Uint32Array, edgeTarget: Uint32Array, edgeWeight: Float32Array): FeatureGraph {
  const neighbours: Array<Array<[number, number]>> = Array.from({ length: features }, () => []);
  const degree64 = new Float64Array(features);
  for (let e = 0; e < edgeSource.length; e++) {
    const a = edgeSource[e];
    const b = edgeTarget[e];
    neighbours[a].push([b, edgeWeight[e]]);
    neighbours[b].push([a, edgeWeight[e]]);
    degree64[a] += edgeWeight[e];
    degree64[b] += edgeWeight[e];
  }
  const degree = Float32Array.from(degree64);
  const rowPointer = new Uint32Array(features + 1);
  const columnIndex = new Uint32Array(features + 2 * edgeSource.length);
  const values = new Float32Array(columnIndex.length);
  let cursor = 0;
  for (let a = 0; a < features; a++) {
    const entries = [...neighbours[a].map(([b, w]) => [b, -w] as [number, number]), [a, degree[a]] as [number, number]];
    entries.sort((x, y) => x[0] - y[0]);
    for (const [column, value] of entries) {
      columnIndex[cursor] = column;
      values[cursor++] = value;
    }
    rowPointer[a + 1] = cursor;
  }
  return { features, edgeSource, edgeTarget, edgeWeight, degree, rowPointer, columnIndex, values };
}

/** Profiles cosine + kNN + weights + union -> CSR Laplacian; throws EmptyGraphError without edges. */
export async function buildFeatureGraph(
  centroids: Matrix,
  graph: GraphParameters,
  which: string,
  findNeighbours: FindProfileNeighbours = profileNeighboursReference,
): Promise<FeatureGraph> {
  const knn = await findNeighbours(centroids, graph.topk);
  const result = graphFromNeighbours(centroids.columns, knn, profilePairCosine(centroids), graph);
  if (result.edgeSource.length === 0) throw new EmptyGraphError(which, centroids.columns, graph.eps, graph.topk);
  return result;
}

/** y = L x for one signal x over the features (CSR product, f64 accumulation). */
export function applyLaplacian(graph: FeatureGraph, signal: ArrayLike<number>, out: Float32Array = new Float32Array(graph.features)): Float32Array {
  for (let a = 0; a < graph.features; a++) {
    let sum = 0;
    for (let i = graph.rowPointer[a]; i < graph.rowPointer[a + 1]; i++) sum += graph.values[i] * signal[graph.columnIndex[i]];
    out[a] = sum;
  }
  return out;
}
