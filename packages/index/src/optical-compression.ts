/**
 * Step 3: optical compression of the centroids to a token budget T.
 * Centroids are projected to 2-D with a seeded random projection and binned in a g x g grid
 * (g = ceil(sqrt(T))) over their bounding box. Bins are visited in row-major order; a bin with
 * more than 4 members first drops the `trimQuantile` fraction with the largest L2 norm, then
 * mean-pools the rest into one token. Tokens stop at T; if fewer, original centroids follow in
 * ascending norm order (ties to the lower index).
 * Design: docs/energy-index.md, "Build" step 3.
 */
import { SeededRandom } from '@opticspace/gpu';
import { rowNorms, type Matrix } from './matrix';

export function compressCentroids(centroids: Matrix, tokens: number, trimQuantile: number, seed: number): Matrix {
  const { rows, columns, data } = centroids;
  if (tokens >= rows) return centroids;
  const plane = new SeededRandom(seed).normalArray(columns * 2);
  const xs = new Float64Array(rows);
  const ys = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let x = 0;
    let y = 0;
    for (let f = 0; f < columns; f++) {
      x += data[r * columns + f] * plane[f * 2];
      y += data[r * columns + f] * plane[f * 2 + 1];
    }
    xs[r] = x;
    ys[r] = y;
  }
  const grid = Math.ceil(Math.sqrt(tokens));
  const binOf = (values: Float64Array, r: number) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo;
    return span > 0 ? Math.min(grid - 1, Math.floor(((values[r] - lo) / span) * grid)) : 0;
  };
  const bins: number[][] = Array.from({ length: grid * grid }, () => []);
  for (let r = 0; r < rows; r++) bins[binOf(ys, r) * grid + binOf(xs, r)].push(r);

  const norms = rowNorms(centroids);
  const byNorm = (a: number, b: number) => norms[a] - norms[b] || a - b;
  const out: number[][] = [];
  for (const members of bins) {
    if (out.length >= tokens) break;
    if (members.length === 0) continue;
    let kept = members;
    if (members.length > 4) {
      const drop = Math.floor(trimQuantile * members.length);
      kept = [...members].sort(byNorm).slice(0, members.length - drop).sort((a, b) => a - b);
    }
    const token = new Array<number>(columns).fill(0);
    for (const r of kept) for (let f = 0; f < columns; f++) token[f] += data[r * columns + f];
    out.push(token.map((v) => v / kept.length));
  }
  const ascending = Array.from({ length: rows }, (_, i) => i).sort(byNorm);
  for (let i = 0; out.length < tokens && i < ascending.length; i++) {
    out.push(Array.from(data.subarray(ascending[i] * columns, (ascending[i] + 1) * columns)));
  }
  const result = new Float32Array(out.length * columns);
  out.forEach((token, i) => result.set(token, i * columns));
  return { data: result, rows: out.length, columns };
}
