/**
 * Weight-side resizing, matching torch.nn.functional.interpolate exactly:
 * - bicubic with antialias=True, align_corners=False (aten UpSampleKernel.cpp, the separable
 *   "aa" path: Keys cubic with a = -0.5, kernel widened by the scale when shrinking, weights
 *   normalised to sum 1, window clipped at the borders),
 * - 1-D linear with align_corners=False (source index clamped at 0).
 * Used for SAM's pos_embed / global rel-pos tables and CLIP's position_embedding
 * (reference: sam_vary_sdpa.py get_abs_pos / get_rel_pos, clip_sdpa.py get_abs_pos).
 */

function cubicAntialiasFilter(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

interface ResampleTaps {
  start: Int32Array;
  weights: Float64Array[];
}

/** Per output index: first input index and normalised weights. */
export function antialiasBicubicTaps(inputSize: number, outputSize: number): ResampleTaps {
  const scale = inputSize / outputSize;
  const support = scale >= 1 ? 2 * scale : 2;
  const inverseScale = scale >= 1 ? 1 / scale : 1;
  const start = new Int32Array(outputSize);
  const weights: Float64Array[] = [];
  for (let i = 0; i < outputSize; i++) {
    const center = scale * (i + 0.5);
    const first = Math.max(Math.trunc(center - support + 0.5), 0);
    const last = Math.min(Math.trunc(center + support + 0.5), inputSize);
    const taps = new Float64Array(Math.max(last - first, 0));
    let total = 0;
    for (let j = 0; j < taps.length; j++) {
      taps[j] = cubicAntialiasFilter((j + first - center + 0.5) * inverseScale);
      total += taps[j];
    }
    if (total !== 0) for (let j = 0; j < taps.length; j++) taps[j] /= total;
    start[i] = first;
    weights.push(taps);
  }
  return { start, weights };
}

/**
 * Resizes a channels-last grid [inH, inW, C] to [outH, outW, C] (bicubic, antialias, torch
 * semantics). Returns the input unchanged when the size already matches.
 */
export function resizeBicubicAntialias(grid: Float32Array, inH: number, inW: number, channels: number, outH: number, outW: number): Float32Array {
  if (inH === outH && inW === outW) return grid;
  // Width pass then height pass (separable).
  const wide = new Float64Array(inH * outW * channels);
  const tapsW = antialiasBicubicTaps(inW, outW);
  for (let y = 0; y < inH; y++) {
    for (let x = 0; x < outW; x++) {
      const taps = tapsW.weights[x];
      const out = (y * outW + x) * channels;
      for (let j = 0; j < taps.length; j++) {
        const source = (y * inW + tapsW.start[x] + j) * channels;
        for (let c = 0; c < channels; c++) wide[out + c] += taps[j] * grid[source + c];
      }
    }
  }
  const result = new Float32Array(outH * outW * channels);
  const tapsH = antialiasBicubicTaps(inH, outH);
  const row = new Float64Array(outW * channels);
  for (let y = 0; y < outH; y++) {
    row.fill(0);
    const taps = tapsH.weights[y];
    for (let j = 0; j < taps.length; j++) {
      const source = (tapsH.start[y] + j) * outW * channels;
      for (let k = 0; k < row.length; k++) row[k] += taps[j] * wide[source + k];
    }
    result.set(row, y * outW * channels);
  }
  return result;
}

/** Resizes rows of a table [inRows, C] to [outRows, C] by linear interpolation (align_corners=False). */
export function resizeLinearRows(table: Float32Array, inRows: number, channels: number, outRows: number): Float32Array {
  if (inRows === outRows) return table;
  const scale = inRows / outRows;
  const out = new Float32Array(outRows * channels);
  for (let i = 0; i < outRows; i++) {
    const source = Math.max(scale * (i + 0.5) - 0.5, 0);
    const i0 = Math.trunc(source);
    const i1 = i0 < inRows - 1 ? i0 + 1 : i0;
    const lambda1 = source - i0;
    const lambda0 = 1 - lambda1;
    for (let c = 0; c < channels; c++) out[i * channels + c] = lambda0 * table[i0 * channels + c] + lambda1 * table[i1 * channels + c];
  }
  return out;
}
