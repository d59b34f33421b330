/**
 * Step 1: optional Gaussian Johnson-Lindenstrauss projection. R is [F, r] with
 * entries N(0, 1) / sqrt(r) from a seeded PRNG; only the seed and r are stored, R is rebuilt.
 * Design: docs/energy-index.md, "Build" step 1.
 */
import { SeededRandom } from '@opticspace/gpu';
import type { Matrix } from './matrix';

/** r = clamp(ceil(8 ln X / eps^2), 32, F / 2), and never below 1. */
export function projectedDimension(clusters: number, eps: number, features: number): number {
  const target = Math.ceil((8 * Math.log(Math.max(2, clusters))) / (eps * eps));
  return Math.max(1, Math.min(Math.max(target, 32), Math.floor(features / 2)));
}

/** The [F, r] projection matrix for a seed (row-major, drawn row by row). */
export function projectionMatrix(seed: number, features: number, reduced: number): Matrix {
  const rng = new SeededRandom(seed);
  const data = rng.normalArray(features * reduced, 1 / Math.sqrt(reduced));
  return { data, rows: features, columns: reduced };
}
