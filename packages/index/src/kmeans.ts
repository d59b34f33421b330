/**
 * Step 2: seeded k-means++ then Lloyd iterations. The assignment step is
 * pluggable (`assign`): the TS reference below or the GPU distance + argmin kernel. Only the
 * centroids feed the later stages, so for large N both seeding and iterations run on a seeded
 * sample of `sampleSize` items (in place of mini-batch k-means for large N).
 * Design: docs/energy-index.md, "Build" step 2.
 */
import { SeededRandom } from '@opticspace/gpu';
import type { Matrix } from './matrix';

/** Nearest centroid per point: labels (ties to the lower centroid index). */
export type AssignNearest = (points: Matrix, centroids: Matrix) => Promise<Uint32Array>;

/**
 * The Lloyd iteration bound to one set of points: assign labels for the current centroids, then
 * update the centroids from labels. The GPU engine keeps points and centroids resident.
 */
export interface LloydEngine {
  assign(): Promise<Uint32Array>;
  update(labels: Uint32Array): Promise<void>;
  centroids(): Promise<Matrix>;
  dispose(): void;
}

export type CreateLloydEngine = (points: Matrix, initial: Matrix) => LloydEngine;

/** TS reference engine (assignNearestSync + updateCentroids). */
export const referenceLloyd: CreateLloydEngine = (points, initial) => {
  let current = initial;
  return {
    assign: async () => assignNearestSync(points, current),
    update: async (labels) => {
      current = updateCentroids(points, labels, current);
    },
    centroids: async () => current,
    dispose: () => undefined,
  };
};

/** Default number of clusters: clamp(round(sqrt(N)), 2, 1024), never above N. */
export function defaultClusterCount(items: number): number {
  return Math.min(items, Math.max(2, Math.min(1024, Math.round(Math.sqrt(items)))));
}

/** TS reference of the assignment kernel: squared L2 distance, argmin, ties to the lower index. */
export async function assignNearestReference(points: Matrix, centroids: Matrix): Promise<Uint32Array> {
  return assignNearestSync(points, centroids);
}

export function assignNearestSync(points: Matrix, centroids: Matrix): Uint32Array {
  const { columns } = points;
  const labels = new Uint32Array(points.rows);
  for (let i = 0; i < points.rows; i++) {
    let best = Infinity;
    let bestIndex = 0;
    const p = i * columns;
    for (let c = 0; c < centroids.rows; c++) {
      const o = c * columns;
      let distance = 0;
      for (let f = 0; f < columns; f++) {
        const d = points.data[p + f] - centroids.data[o + f];
        distance += d * d;
      }
      if (distance < best) {
        best = distance;
        bestIndex = c;
      }
    }
    labels[i] = bestIndex;
  }
  return labels;
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

/** k-means++ seeding: first centre uniform, then each next with probability ~ D^2. */
export function kmeansPlusPlus(points: Matrix, k: number, rng: SeededRandom): Matrix {
  const { rows, columns, data } = points;
  const chosen: number[] = [rng.int(rows)];
  const nearest = new Float64Array(rows).fill(Infinity);
  while (chosen.length < k) {
    const last = chosen[chosen.length - 1] * columns;
    let total = 0;
    for (let i = 0; i < rows; i++) {
      let distance = 0;
      for (let f = 0, o = i * columns; f < columns; f++) {
        const d = data[o + f] - data[last + f];
        distance += d * d;
      }
      if (distance < nearest[i]) nearest[i] = distance;
      total += nearest[i];
    }
    let next = -1;
    if (total > 0) {
      let target = rng.next() * total;
      for (let i = 0; i < rows; i++) {
        target -= nearest[i];
        if (target < 0 && nearest[i] > 0) {
          next = i;
          break;
        }
      }
      if (next < 0) for (let i = rows - 1; i >= 0; i--) if (nearest[i] > 0) { next = i; break; }
    }
    // All remaining points coincide with a centre: take the lowest unused index.
    if (next < 0) next = firstUnused(rows, chosen);
    chosen.push(next);
  }
  return gatherRows(points, chosen);
}

function firstUnused(rows: number, chosen: number[]): number {
  const used = new Set(chosen);
  for (let i = 0; i < rows; i++) if (!used.has(i)) return i;
  return 0;
}

/** Point indices grouped by label (counting sort): members[offsets[c] .. offsets[c + 1]) are cluster c's. */
export function groupByLabel(labels: Uint32Array, clusters: number): { members: Uint32Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(clusters + 1);
  for (const label of labels) offsets[label + 1]++;
  for (let c = 0; c < clusters; c++) offsets[c + 1] += offsets[c];
  const cursor = offsets.slice(0, clusters);
  const members = new Uint32Array(labels.length);
  labels.forEach((label, i) => (members[cursor[label]++] = i));
  return { members, offsets };
}

/** Mean of the points of each cluster; an empty cluster keeps its previous centre. */
export function updateCentroids(points: Matrix, labels: Uint32Array, previous: Matrix): Matrix {
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
  options: { seed: number; iterations: number; sampleSize: number; tolerance?: number; engine?: CreateLloydEngine },
): Promise<KMeansResult> {
  const rng = new SeededRandom(options.seed);
  const sample = points.rows > options.sampleSize ? gatherRows(points, sampleRows(points.rows, options.sampleSize, rng)) : points;
  const engine = (options.engine ?? referenceLloyd)(sample, kmeansPlusPlus(sample, Math.min(clusters, sample.rows), rng));
  let labels: Uint32Array | null = null;
  let iteration = 0;
  let centroids: Matrix;
  try {
    while (iteration < options.iterations) {
      iteration++;
      const next = await engine.assign();
      let changed = 0;
      if (labels !== null) for (let i = 0; i < next.length; i++) if (next[i] !== labels[i]) changed++;
      const converged = labels !== null && changed <= (options.tolerance ?? 0) * next.length;
      labels = next;
      if (converged) break;
      await engine.update(labels);
    }
    centroids = await engine.centroids();
  } finally {
    engine.dispose();
  }
  return { centroids, iterations: iteration, sampled: sample.rows };
}
