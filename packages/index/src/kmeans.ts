/**
 * Step 2: seeded k-means++ then Lloyd iterations. Only the centroids feed the later stages, so
 * for large N both run on a seeded sample of `sampleSize` items (in place of mini-batch k-means).
 * The whole run is the backend's (`RunKMeans`): kmeansReference below, or the GPU engine
 * (gpu/kmeans.ts) with seeding, assignment, update and the convergence test on the GPU. The
 * random draws are made here, so both backends seed from the same numbers.
 * Design: docs/energy-index.md, "Build" step 2.
 */
import { SeededRandom } from '@opticspace/gpu';
import type { Matrix } from './matrix';

/** What one k-means run needs: the (sampled) points, k, the seeding draws and the stopping rule. */
export interface KMeansProblem {
  points: Matrix;
  clusters: number;
  draws: SeedDraws;
  /** Most Lloyd iterations (assignments). */
  iterations: number;
  /** Lloyd stops after an assignment (not the first) that moved at most this many points. */
  maxChanged: number;
}

/** k-means++ draws: the first centre's row, then one uniform in [0, 1] (f32) per further centre (index 0 unused). */
export interface SeedDraws {
  first: number;
  uniforms: Float32Array;
}

export interface KMeansRun {
  centroids: Matrix;
  /** Assignments made (the last one found convergence, or the limit was reached). */
  iterations: number;
}

export type RunKMeans = (problem: KMeansProblem) => Promise<KMeansRun>;

/** Default number of clusters: clamp(round(sqrt(N)), 2, 1024), never above N. */
export function defaultClusterCount(items: number): number {
  return Math.min(items, Math.max(2, Math.min(1024, Math.round(Math.sqrt(items)))));
}

/** Draws for seeding k centres among `rows` points. */
export function seedDraws(rng: SeededRandom, rows: number, k: number): SeedDraws {
  const first = rng.int(rows);
  const uniforms = new Float32Array(k);
  for (let s = 1; s < k; s++) uniforms[s] = rng.next();
  return { first, uniforms };
}

/** TS reference of the whole run: kmeansPlusPlus, then assignNearestSync / updateCentroidsReference until converged. */
export const kmeansReference: RunKMeans = async ({ points, clusters, draws, iterations, maxChanged }) => {
  let centroids = kmeansPlusPlus(points, clusters, draws);
  let labels: Uint32Array | null = null;
  let iteration = 0;
  while (iteration < iterations) {
    iteration++;
    const next = assignNearestSync(points, centroids);
    let changed = 0;
    if (labels !== null) for (let i = 0; i < next.length; i++) if (next[i] !== labels[i]) changed++;
    const converged = labels !== null && changed <= maxChanged;
    labels = next;
    if (converged) break;
    centroids = updateCentroidsReference(points, labels, centroids);
  }
  return { centroids, iterations: iteration };
};

/** TS reference of the assignment: squared L2 distance, argmin, ties to the lower index. */
export async function assignNearestReference(points: Matrix, centroids: Matrix): Promise<Uint32Array> {
  return assignNearestSync(points, centroids);
}

export function assignNearestSync(points: Matrix, centroids: Matrix): Uint32Array {
  const labels = new Uint32Array(points.rows);
  for (let i = 0; i < points.rows; i++) {
    let best = Infinity;
    let bestIndex = 0;
    for (let c = 0; c < centroids.rows; c++) {
      // A centroid whose partial distance reaches the best cannot win (ties go to the lower index).
      const distance = squaredDistance(points.data, i * points.columns, centroids.data, c * centroids.columns, points.columns, best);
      if (distance < best) {
        best = distance;
        bestIndex = c;
      }
    }
    labels[i] = bestIndex;
  }
  return labels;
}

/**
 * |a - b|^2 of two rows (f64, four running sums: about twice as fast in V8 as one), or any
 * value >= `bound` once the partial sum reaches it (checked every 32 features): callers only
 * compare the result with the bound.
 */
function squaredDistance(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, length: number, bound: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const quads = length - (length % 4);
  let f = 0;
  while (f < quads) {
    const end = Math.min(quads, f + 32);
    for (; f < end; f += 4) {
      const d0 = a[aOffset + f] - b[bOffset + f];
      const d1 = a[aOffset + f + 1] - b[bOffset + f + 1];
      const d2 = a[aOffset + f + 2] - b[bOffset + f + 2];
      const d3 = a[aOffset + f + 3] - b[bOffset + f + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    if (s0 + s1 + s2 + s3 >= bound) return s0 + s1 + s2 + s3;
  }
  for (; f < length; f++) {
    const d = a[aOffset + f] - b[bOffset + f];
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

/** A seeded sample of `size` row indices (sorted ascending), or all rows when size >= N. */
export function sampleRows(count: number, size: number, rng: SeededRandom): Uint32Array {
  if (size >= count) return Uint32Array.from({ length: count }, (_, i) => i);
  const indices = Uint32Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(count - i);
    const t = indices[i];
    indices[i] = indices[j];
    indices[j] = t;
  }
  return indices.slice(0, size).sort();
}

export function gatherRows(matrix: Matrix, indices: ArrayLike<number>): Matrix {
  const data = new Float32Array(indices.length * matrix.columns);
  for (let i = 0; i < indices.length; i++) {
    data.set(matrix.data.subarray(indices[i] * matrix.columns, (indices[i] + 1) * matrix.columns), i * matrix.columns);
  }
  return { data, rows: indices.length, columns: matrix.columns };
}

/** k-means++ seeding: the rows of the k centres (see kmeansSeedRowsReference). */
export function kmeansPlusPlus(points: Matrix, k: number, draws: SeedDraws): Matrix {
  return gatherRows(points, kmeansSeedRowsReference(points, k, draws));
}

/**
 * k-means++ seeding (D^2 sampling): the first centre is row `draws.first`; centre s is the first
 * row whose running sum of squared distances to the nearest chosen centre exceeds
 * uniforms[s] * (their total). When rounding leaves no such row, the last row with a non-zero
 * distance; when every distance is zero, the lowest row not chosen yet. The GPU engine
 * (shaders/index/kmeans-seed-*.wgsl) makes the same choices from f32 distances and sums, so a
 * pick can differ only where a draw falls within f32 rounding of a boundary between two rows.
 */
export function kmeansSeedRowsReference(points: Matrix, k: number, draws: SeedDraws): Uint32Array {
  const { rows, columns, data } = points;
  const chosen = new Uint32Array(k);
  chosen[0] = draws.first;
  const nearest = new Float64Array(rows).fill(Infinity);
  for (let s = 1; s < k; s++) {
    const last = chosen[s - 1] * columns;
    let total = 0;
    for (let i = 0; i < rows; i++) {
      nearest[i] = Math.min(nearest[i], squaredDistance(data, i * columns, data, last, columns, nearest[i]));
      total += nearest[i];
    }
    const target = draws.uniforms[s] * total;
    let next = -1;
    if (total > 0) {
      let running = 0;
      for (let i = 0; i < rows && next < 0; i++) {
        running += nearest[i];
        if (running > target) next = i;
      }
      if (next < 0) for (let i = rows - 1; i >= 0 && next < 0; i--) if (nearest[i] > 0) next = i;
    } else {
      next = lowestUnused(chosen.subarray(0, s));
    }
    chosen[s] = next;
  }
  return chosen;
}

function lowestUnused(chosen: Uint32Array): number {
  const used = new Set(chosen);
  let row = 0;
  while (used.has(row)) row++;
  return row;
}

/** Mean of the points of each cluster; an empty cluster keeps its previous centre. */
export function updateCentroidsReference(points: Matrix, labels: Uint32Array, previous: Matrix): Matrix {
  const { columns } = points;
  const sums = new Float64Array(previous.rows * columns);
  const counts = new Uint32Array(previous.rows);
  for (let i = 0; i < points.rows; i++) {
    const c = labels[i];
    counts[c]++;
    for (let f = 0, o = i * columns, t = c * columns; f < columns; f++) sums[t + f] += points.data[o + f];
  }
  const data = new Float32Array(previous.data);
  for (let c = 0; c < previous.rows; c++) {
    if (counts[c] === 0) continue;
    for (let f = 0; f < columns; f++) data[c * columns + f] = sums[c * columns + f] / counts[c];
  }
  return { data, rows: previous.rows, columns };
}

export interface KMeansResult {
  centroids: Matrix;
  iterations: number;
  sampled: number;
}

export async function kmeans(
  points: Matrix,
  clusters: number,
  options: { seed: number; iterations: number; sampleSize: number; tolerance?: number; run?: RunKMeans },
): Promise<KMeansResult> {
  const rng = new SeededRandom(options.seed);
  const sample = points.rows > options.sampleSize ? gatherRows(points, sampleRows(points.rows, options.sampleSize, rng)) : points;
  const k = Math.min(clusters, sample.rows);
  const run = await (options.run ?? kmeansReference)({
    points: sample,
    clusters: k,
    draws: seedDraws(rng, sample.rows, k),
    iterations: options.iterations,
    maxChanged: Math.floor((options.tolerance ?? 0) * sample.rows),
  });
  return { centroids: run.centroids, iterations: run.iterations, sampled: sample.rows };
}
