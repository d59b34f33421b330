import { InvalidInputError } from '@opticspace/gpu';

/**
 * How a page's vision tokens become one vector.
 * - 'mean': average of the content tokens (newline/separator tokens excluded: they are the
 *   same learned vectors on every page and carry no content).
 * - 'max-mean': [mean, per-channel max] concatenated (2 x dims).
 * - 'salience': attention-weighted mean; weight_i = softmax_i(||t_i - mean|| / (temperature
 *   x rms distance)). Text pages are mostly blank paper, whose tokens sit near the mean;
 *   tokens that differ from it (ink) get more weight.
 */
export type PoolingName = 'mean' | 'max-mean' | 'salience';

export const POOLINGS: readonly PoolingName[] = ['mean', 'max-mean', 'salience'];

export function pooledDims(pooling: PoolingName, dims: number): number {
  return pooling === 'max-mean' ? 2 * dims : dims;
}

/** Pools rows `rows` of tokens [count, dims] (all rows when omitted). */
export function poolTokens(tokens: Float32Array, dims: number, pooling: PoolingName, rows?: readonly number[], temperature = 1): Float32Array {
  if (!Number.isInteger(dims) || dims < 1 || tokens.length % dims !== 0) {
    throw new InvalidInputError(`tokens have ${tokens.length} values, not a multiple of dims ${dims}`);
  }
  const count = tokens.length / dims;
  const selected = rows ?? Array.from({ length: count }, (_, i) => i);
  if (selected.length === 0) throw new InvalidInputError('cannot pool zero tokens');
  for (const row of selected) {
    if (!Number.isInteger(row) || row < 0 || row >= count) throw new InvalidInputError(`token row ${row} is outside [0, ${count})`);
    for (let d = 0; d < dims; d++) {
      if (!Number.isFinite(tokens[row * dims + d])) throw new InvalidInputError(`token ${row} value ${d} is ${tokens[row * dims + d]}; expected finite values`);
    }
  }
  const mean = new Float64Array(dims);
  for (const row of selected) for (let d = 0; d < dims; d++) mean[d] += tokens[row * dims + d];
  for (let d = 0; d < dims; d++) mean[d] /= selected.length;
  if (pooling === 'mean') return Float32Array.from(mean);
  if (pooling === 'max-mean') {
    const out = new Float32Array(2 * dims);
    out.set(Float32Array.from(mean), 0);
    const max = out.subarray(dims);
    max.fill(-Infinity);
    for (const row of selected) for (let d = 0; d < dims; d++) max[d] = Math.max(max[d], tokens[row * dims + d]);
    return out;
  }
  if (pooling === 'salience') {
    if (!(temperature > 0)) throw new InvalidInputError(`salience temperature must be > 0, got ${temperature}`);
    const distances = selected.map((row) => {
      let sum = 0;
      for (let d = 0; d < dims; d++) sum += (tokens[row * dims + d] - mean[d]) ** 2;
      return Math.sqrt(sum);
    });
    const rms = Math.sqrt(distances.reduce((s, x) => s + x * x, 0) / distances.length);
    if (rms === 0) return Float32Array.from(mean);
    const logits = distances.map((x) => x / (temperature * rms));
    const top = Math.max(...logits);
    const weights = logits.map((x) => Math.exp(x - top));
    const total = weights.reduce((s, w) => s + w, 0);
    const out = new Float64Array(dims);
    selected.forEach((row, i) => {
      const w = weights[i] / total;
      for (let d = 0; d < dims; d++) out[d] += w * tokens[row * dims + d];
    });
    return Float32Array.from(out);
  }
  throw new InvalidInputError(`unknown pooling '${pooling as string}'; expected one of ${POOLINGS.join(', ')}`);
}

/** Scales a vector to unit L2 norm in place (zero vectors stay zero). */
export function normalizeL2(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}
