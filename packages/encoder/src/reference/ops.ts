/**
 * Plain-TypeScript references of the generic layers (row-major, f32 storage, f64 sums).
 * Linear weights are [out, in] as in the checkpoint.
 */

/** y[n, out] = x[n, in] W^T + b. */
export function linear(x: Float32Array, rows: number, weight: Float32Array, outFeatures: number, bias?: Float32Array): Float32Array {
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

/** LayerNorm over the last dimension (biased variance, like torch). */
export function layerNorm(x: Float32Array, width: number, gamma: Float32Array, beta: Float32Array, eps: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let start = 0; start < x.length; start += width) {
    let mean = 0;
    for (let i = 0; i < width; i++) mean += x[start + i];
    mean /= width;
    let variance = 0;
    for (let i = 0; i < width; i++) variance += (x[start + i] - mean) ** 2;
    variance /= width;
    const inverse = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < width; i++) y[start + i] = (x[start + i] - mean) * inverse * gamma[i] + beta[i];
  }
  return y;
}

/** erf with |error| < 1.2e-7 (Numerical Recipes erfc Chebyshev fit). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** Exact GELU: x * Phi(x) (torch nn.GELU default). */
export function gelu(x: Float32Array): Float32Array {
  return x.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
}

/** quick-GELU: x * sigmoid(1.702 x) (clip_sdpa.py quick_gelu). */
export function quickGelu(x: Float32Array): Float32Array {
  return x.map((v) => v / (1 + Math.exp(-1.702 * v)));
}

export function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + b[i]);
}
