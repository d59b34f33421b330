/**
 * Plain-TypeScript references of the generic layers (row-major, f32 storage, f64 sums).
 * Linear weights are [out, in] as in the checkpoint. LayerNorm, GELU and element-wise sums are
 * @opticspace/gpu's references (one erf, one LayerNorm for every package).
 */
import { layerNormReference } from '@opticspace/gpu';

/** y[n, out] = x[n, in] W^T + b. */
export function linearReference(x: Float32Array, rows: number, weight: Float32Array, outFeatures: number, bias?: Float32Array): Float32Array {
  const inFeatures = x.length / rows;
  const y = new Float32Array(rows * outFeatures);
  for (let r = 0; r < rows; r++) {
    const xo = r * inFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const wo = o * inFeatures;
      let sum = bias ? bias[o] : 0;
      for (let i = 0; i < inFeatures; i++) sum += x[xo + i] * weight[wo + i];
      y[r * outFeatures + o] = sum;
    }
  }
  return y;
}

/** LayerNorm over the last axis of x [rows, width], rows derived from the length. */
export function layerNormLastAxisReference(x: Float32Array, width: number, gamma: Float32Array, beta: Float32Array, eps: number): Float32Array {
  return layerNormReference(x, gamma, beta, x.length / width, width, eps);
}
