/**
 * Step 6: split high-dispersion centroids. Centroids whose dispersion G is at
 * or above the `splitQuantile` quantile (linear interpolation) are split: m = mean of their
 * `neighbourK` nearest other centroids (L2, ties to the lower index), dir = unit(c - m),
 * t = splitTau * max(std(c - m), 1e-6); children c + t dir and c - t dir are appended after all
 * parents. splitQuantile = 1 disables splitting.
 * Design: docs/energy-index.md, "Build" step 6.
 */
import { quantile, type Matrix } from './matrix';
import { dispersion, type RowEnergies } from './row-energies';

export interface SplitResult {
  centroids: Matrix;
  split: number[];
  threshold: number;
}

export function splitCentroids(
  centroids: Matrix,
  energies: RowEnergies,
  options: { splitQuantile: number; neighbourK: number; splitTau: number },
): SplitResult {
  const { rows, columns, data } = centroids;
  const g = Float64Array.from({ length: rows }, (_, r) => dispersion(energies.quadratic[r], energies.energySquareSum[r]));
  if (options.splitQuantile >= 1 || rows < 2) return { centroids, split: [], threshold: Infinity };
  const threshold = quantile(g, options.splitQuantile);
  const split: number[] = [];
  for (let r = 0; r < rows; r++) if (g[r] >= threshold) split.push(r);
  const children: Float32Array[] = [];
  for (const r of split) {
    const c = data.subarray(r * columns, (r + 1) * columns);
    const distances: Array<[number, number]> = [];
    for (let o = 0; o < rows; o++) {
      if (o === r) continue;
      let d = 0;
      for (let f = 0; f < columns; f++) d += (data[o * columns + f] - c[f]) ** 2;
      distances.push([d, o]);
    }
    distances.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const nearest = distances.slice(0, Math.min(options.neighbourK, distances.length));
    const difference = new Float64Array(columns);
    for (let f = 0; f < columns; f++) {
      let mean = 0;
      for (const [, o] of nearest) mean += data[o * columns + f];
      difference[f] = c[f] - mean / nearest.length;
    }
    let norm = 0;
    let average = 0;
    for (const v of difference) {
      norm += v * v;
      average += v;
    }
    norm = Math.sqrt(norm);
    average /= columns;
    let variance = 0;
    for (const v of difference) variance += (v - average) ** 2;
    const step = options.splitTau * Math.max(Math.sqrt(variance / columns), 1e-6);
    const plus = new Float32Array(columns);
    const minus = new Float32Array(columns);
    for (let f = 0; f < columns; f++) {
      const direction = norm > 0 ? difference[f] / norm : 0;
      plus[f] = c[f] + step * direction;
      minus[f] = c[f] - step * direction;
    }
    children.push(plus, minus);
  }
  const out = new Float32Array((rows + children.length) * columns);
  out.set(data);
  children.forEach((child, i) => out.set(child, (rows + i) * columns));
  return { centroids: { data: out, rows: rows + children.length, columns }, split, threshold };
}
