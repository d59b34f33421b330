import { describe, expect, it } from 'vitest';
import { SeededRandom, ShapeError, Tensor, runOnArrays } from '@opticspace/gpu';
import {
  clipEmbeddingsProgram,
  clipEmbeddingsReference,
  globalViewLayoutProgram,
  globalViewTokenCount,
  im2colProgram,
  im2colReference,
  im2colShape,
  layoutGlobalViewReference,
  windowPartitionProgram,
  windowPartitionReference,
  windowUnpartitionProgram,
  windowUnpartitionReference,
  windowedSize,
  type Im2colGeometry,
} from '../../src';
import { expectClose, useGpu } from '@opticspace/gpu/testing';
import { asStored } from '@opticspace/gpu/testing';

// Data-movement kernels are exact copies: f32 results must equal the reference bit for bit,
// f16 results must equal the f16-rounded reference.
describe('encoder layout kernels', () => {
  const gpu = useGpu('encoder layout kernels');

  const im2colCases: Array<[string, Im2colGeometry]> = [
    ['patch embedding CHW, kernel 16 stride 16', { channels: 3, height: 48, width: 32, kernel: 16, stride: 16, pad: 0, channelsLast: false }],
    ['3x3 stride 1 pad 1, channels-last, odd size', { channels: 5, height: 7, width: 9, kernel: 3, stride: 1, pad: 1, channelsLast: true }],
    ['3x3 stride 2 pad 1, odd size', { channels: 3, height: 5, width: 5, kernel: 3, stride: 2, pad: 1, channelsLast: true }],
    ['3x3 stride 2 pad 1 on a 1x1 grid', { channels: 2, height: 1, width: 1, kernel: 3, stride: 2, pad: 1, channelsLast: true }],
  ];
  for (const dtype of ['f32', 'f16'] as const) {
    for (const [what, g] of im2colCases) {
      it(`im2col ${dtype}: ${what}`, async () => {
        const x = new SeededRandom(g.height * 31 + g.channels).uniformArray(g.channels * g.height * g.width, -2, 2);
        const [rows, width] = im2colShape(g);
        const { columns } = await runOnArrays(gpu(), dtype, { x }, { columns: rows * width }, (t) => im2colProgram(gpu(), t.x, t.columns, g));
        expect(Array.from(columns)).toEqual(Array.from(im2colReference(asStored(dtype, x), g)));
      });
    }
  }

  const windowCases = [
    { height: 16, width: 16, channels: 3, window: 5 }, // padded to 20
    { height: 7, width: 9, channels: 1, window: 3 }, // non-square, width padded
    { height: 4, width: 4, channels: 2, window: 4 }, // no padding
    { height: 3, width: 3, channels: 2, window: 1 },
  ];
  for (const g of windowCases) {
    it(`window partition / unpartition ${g.height}x${g.width}x${g.channels}, window ${g.window}`, async () => {
      const x = new SeededRandom(g.height + g.window).uniformArray(g.height * g.width * g.channels);
      const { windows } = await runOnArrays(gpu(), 'f32', { x }, { windows: windowedSize(g) }, (t) => windowPartitionProgram(gpu(), t.x, t.windows, g));
      const expected = windowPartitionReference(x, g.height, g.width, g.channels, g.window);
      expect(Array.from(windows)).toEqual(Array.from(expected));
      const { grid } = await runOnArrays(gpu(), 'f32', { windows }, { grid: x.length }, (t) => windowUnpartitionProgram(gpu(), t.windows, t.grid, g));
      expect(Array.from(grid)).toEqual(Array.from(x));
      expect(Array.from(windowUnpartitionReference(expected, g.height, g.width, g.channels, g.window))).toEqual(Array.from(x));
      // With a residual (SAM's skip connection, fused into the inverse).
      const residual = new SeededRandom(g.width).uniformArray(x.length);
      const summed = await runOnArrays(gpu(), 'f32', { windows, residual }, { grid: x.length }, (t) => windowUnpartitionProgram(gpu(), t.windows, t.grid, g, t.residual));
      const expectedSum = windowUnpartitionReference(expected, g.height, g.width, g.channels, g.window, residual);
      expect(Array.from(summed.grid)).toEqual(Array.from(expectedSum));
      expect(expectedSum[0]).toBeCloseTo(x[0] + residual[0], 6);
    });
  }

  it('window partition zero-fills the padding', () => {
    const windows = windowPartitionReference(new Float32Array(4).fill(1), 2, 2, 1, 3);
    expect(Array.from(windows)).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('window partition rejects a wrongly sized output', () => {
    const g = { height: 5, width: 5, channels: 2, window: 3 };
    const x = Tensor.from(gpu(), new Float32Array(50), [5, 5, 2]);
    const out = Tensor.empty(gpu(), [50]);
    expect(() => windowPartitionProgram(gpu(), x, out, g)).toThrow(ShapeError);
    expect(() => windowPartitionProgram(gpu(), x, out, g)).toThrow(/output must be \[4, 9, 2\] \(72 values\), got \[50\]/);
  });

  for (const dtype of ['f32', 'f16'] as const) {
    it(`clip embeddings ${dtype}`, async () => {
      const rng = new SeededRandom(5);
      const hidden = 7;
      const features = rng.uniformArray(9 * hidden);
      const cls = rng.uniformArray(hidden);
      const position = rng.uniformArray(10 * hidden);
      const { out } = await runOnArrays(gpu(), dtype, { features, cls, position }, { out: position.length }, (t) =>
        clipEmbeddingsProgram(gpu(), t.features, t.cls, t.position, t.out, hidden),
      );
      const expected = clipEmbeddingsReference(asStored(dtype, features), asStored(dtype, cls), asStored(dtype, position));
      expectClose(out, asStored(dtype, expected), dtype === 'f32' ? 1e-6 : 4e-3, dtype === 'f32' ? 1e-6 : 2e-3);
    });
  }

  for (const grid of [1, 3]) {
    it(`global view layout, grid ${grid}`, async () => {
      const rng = new SeededRandom(grid);
      const dim = 6;
      const clipProjected = rng.uniformArray((grid * grid + 1) * dim);
      const samProjected = rng.uniformArray(grid * grid * dim);
      const bias = rng.uniformArray(dim);
      const newline = rng.uniformArray(dim);
      const separator = rng.uniformArray(dim);
      const { out } = await runOnArrays(
        gpu(),
        'f32',
        { clipProjected, samProjected, bias, newline, separator },
        { out: globalViewTokenCount(grid) * dim },
        (t) => globalViewLayoutProgram(gpu(), { clipProjected: t.clipProjected, samProjected: t.samProjected, bias: t.bias, newline: t.newline, separator: t.separator }, t.out, grid, dim),
      );
      const features = new Float32Array(grid * grid * dim);
      for (let i = 0; i < features.length; i++) features[i] = clipProjected[dim + i] + samProjected[i] + bias[i % dim];
      expectClose(out, layoutGlobalViewReference(features, grid, dim, newline, separator), 1e-6, 1e-6);
      expect(Array.from(out.subarray(grid * dim, (grid + 1) * dim))).toEqual(Array.from(newline));
      expect(Array.from(out.subarray(out.length - dim))).toEqual(Array.from(separator));
    });
  }
});
