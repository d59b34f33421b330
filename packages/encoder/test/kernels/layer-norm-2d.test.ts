import { describe, it } from 'vitest';
import { SeededRandom, Tensor } from '@opticspace/gpu';
import { LayerRecorder } from '../../src';
import { expectClose, useGpu } from '@opticspace/gpu/testing';

/**
 * SAM's LayerNorm2d (sam_vary_sdpa.py) normalises each pixel over its channels in NCHW data.
 * The encoder keeps activations channels-last ([H * W, C]), where that is exactly LayerNorm
 * over the last axis, so the generic layerNorm kernel serves it; this test pins the equivalence
 * against a direct NCHW implementation of the reference formula.
 */
function layerNorm2dNchw(x: Float32Array, channels: number, pixels: number, weight: Float32Array, bias: Float32Array, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let p = 0; p < pixels; p++) {
    let mean = 0;
    for (let c = 0; c < channels; c++) mean += x[c * pixels + p];
    mean /= channels;
    let variance = 0;
    for (let c = 0; c < channels; c++) variance += (x[c * pixels + p] - mean) ** 2;
    variance /= channels;
    for (let c = 0; c < channels; c++) out[c * pixels + p] = (weight[c] * (x[c * pixels + p] - mean)) / Math.sqrt(variance + eps) + bias[c];
  }
  return out;
}

const toChannelsLast = (x: Float32Array, channels: number, pixels: number) => {
  const out = new Float32Array(x.length);
  for (let c = 0; c < channels; c++) for (let p = 0; p < pixels; p++) out[p * channels + c] = x[c * pixels + p];
  return out;
};

describe('LayerNorm2d on channels-last activations', () => {
  const gpu = useGpu('encoder layerNorm2d');
  for (const [channels, side] of [
    [16, 5],
    [1, 3],
    [257, 2],
  ]) {
    it(`${channels} channels, ${side}x${side} pixels, eps 1e-6`, async () => {
      const rng = new SeededRandom(channels + side);
      const pixels = side * side;
      const x = rng.uniformArray(channels * pixels, -3, 3);
      const weight = rng.uniformArray(channels, 0.5, 1.5);
      const bias = rng.uniformArray(channels, -0.5, 0.5);
      const recorder = new LayerRecorder(gpu(), 'f32');
      const input = Tensor.from(gpu(), toChannelsLast(x, channels, pixels), [pixels, channels]);
      const w = Tensor.from(gpu(), weight, [channels]);
      const b = Tensor.from(gpu(), bias, [channels]);
      const out = recorder.layerNorm(input, w, b, 1e-6);
      await recorder.batch.submit();
      const expected = toChannelsLast(layerNorm2dNchw(x, channels, pixels, weight, bias, 1e-6), channels, pixels);
      expectClose(await out.readFloat32(), expected, 1e-5, 1e-5);
      for (const t of [input, w, b, out]) t.dispose();
    });
  }
});
