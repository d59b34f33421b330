/**
 * Encoder kernel self-checks for the shared registry of @opticspace/gpu (run in Node and,
 * unchanged, by the browser check page): each encoder WGSL kernel against its TS reference.
 * Call registerEncoderKernelChecks() once before runKernelChecks().
 */
import { SeededRandom, registerCheck, roundToFloat16, runOnArrays, type KernelCheck } from '@opticspace/gpu';
import { attentionProgram, attentionReference } from './kernels/attention';
import { im2colProgram, im2colReference, im2colShape, type Im2colGeometry } from './kernels/im2col';
import { relPosBiasProgram, relPosBiasReference } from './kernels/rel-pos-bias';
import { windowPartitionProgram, windowPartitionReference, windowUnpartitionProgram, windowUnpartitionReference, windowedSize } from './kernels/window-partition';

type Dtype = 'f32' | 'f16';
const round = (dtype: Dtype, x: Float32Array) => (dtype === 'f16' ? roundToFloat16(x) : x);

export const encoderKernelChecks: KernelCheck[] = [];

const im2colCases: Array<[string, Im2colGeometry]> = [
  ['patch 16 CHW 32x48', { channels: 3, height: 32, width: 48, kernel: 16, stride: 16, pad: 0, channelsLast: false }],
  ['3x3 stride 2 pad 1 7x7x5', { channels: 5, height: 7, width: 7, kernel: 3, stride: 2, pad: 1, channelsLast: true }],
];
for (const [caseName, g] of im2colCases) {
  encoderKernelChecks.push({
    kernel: 'encoder.im2col',
    caseName,
    async run(ctx, dtype) {
      const x = round(dtype, new SeededRandom(g.height * g.width).uniformArray(g.channels * g.height * g.width));
      const [rows, width] = im2colShape(g);
      const { out: actual } = await runOnArrays(ctx, dtype, { x }, { out: rows * width }, (t) => im2colProgram(ctx, t.x, t.out, g));
      return { actual, expected: im2colReference(x, g), atol: 0, rtol: 0 };
    },
  });
}

encoderKernelChecks.push({
  kernel: 'encoder.windowPartition',
  caseName: '16x16x3 window 5 (padded)',
  async run(ctx, dtype) {
    const g = { height: 16, width: 16, channels: 3, window: 5 };
    const x = round(dtype, new SeededRandom(16).uniformArray(16 * 16 * 3));
    const { out: actual } = await runOnArrays(ctx, dtype, { x }, { out: windowedSize(g) }, (t) => windowPartitionProgram(ctx, t.x, t.out, g));
    return { actual, expected: windowPartitionReference(x, 16, 16, 3, 5), atol: 0, rtol: 0 };
  },
});

encoderKernelChecks.push({
  kernel: 'encoder.windowUnpartition',
  caseName: '16x16x3 window 5, plus residual',
  async run(ctx, dtype) {
    const g = { height: 16, width: 16, channels: 3, window: 5 };
    const rng = new SeededRandom(17);
    const windows = round(dtype, rng.uniformArray(windowedSize(g)));
    const residual = round(dtype, rng.uniformArray(16 * 16 * 3));
    const { out: actual } = await runOnArrays(ctx, dtype, { windows, residual }, { out: 16 * 16 * 3 }, (t) => windowUnpartitionProgram(ctx, t.windows, t.out, g, t.residual));
    // One f32 addition, rounded once to the storage type.
    const expected = round(dtype, windowUnpartitionReference(windows, 16, 16, 3, 5, residual));
    return { actual, expected, atol: dtype === 'f16' ? 1e-3 : 1e-7, rtol: dtype === 'f16' ? 1e-3 : 1e-7 };
  },
});

/** f32: accumulation order only; f16: inputs and outputs rounded to f16, arithmetic in f32. */
const attentionTolerance = (dtype: Dtype) => (dtype === 'f16' ? { atol: 2e-2, rtol: 2e-2 } : { atol: 1e-5, rtol: 1e-5 });

for (const c of [
  { batch: 2, grid: 5, heads: 2, headDim: 16 },
  { batch: 1, grid: 9, heads: 1, headDim: 64 },
  { batch: 1, grid: 14, heads: 12, headDim: 64 }, // a SAM window: 196 tokens, several key and query tiles
]) {
  const tokens = c.grid * c.grid;
  const caseName = `batch ${c.batch}, grid ${c.grid}, ${c.heads}x${c.headDim}`;
  const inputs = (dtype: Dtype) => {
    const rng = new SeededRandom(tokens + c.headDim);
    const qkv = round(dtype, rng.uniformArray(c.batch * tokens * 3 * c.heads * c.headDim, -1.5, 1.5));
    const tableH = round(dtype, rng.uniformArray((2 * c.grid - 1) * c.headDim));
    const tableW = round(dtype, rng.uniformArray((2 * c.grid - 1) * c.headDim));
    return { qkv, tableH, tableW, bias: relPosBiasReference(qkv, c.batch, c.grid, c.grid, c.heads, c.headDim, tableH, tableW) };
  };
  const geometry = { batch: c.batch, tokens, heads: c.heads, headDim: c.headDim };
  encoderKernelChecks.push({
    kernel: 'encoder.relPosBias',
    caseName,
    async run(ctx, dtype) {
      const { qkv, tableH, tableW, bias } = inputs(dtype);
      const rows = c.batch * c.heads * tokens;
      const { relH, relW } = await runOnArrays(ctx, dtype, { qkv, tableH, tableW }, { relH: rows * c.grid, relW: rows * c.grid }, (t) =>
        relPosBiasProgram(ctx, t.qkv, t.tableH, t.tableW, t.relH, t.relW, { ...geometry, gridH: c.grid, gridW: c.grid }),
      );
      const both = (h: Float32Array, w: Float32Array) => Float32Array.from([...h, ...w]);
      return { actual: both(relH, relW), expected: both(bias.relH, bias.relW), ...attentionTolerance(dtype) };
    },
  });
  encoderKernelChecks.push({
    kernel: 'encoder.attention',
    caseName: `${caseName}, rel-pos bias`,
    async run(ctx, dtype) {
      const { qkv, bias } = inputs(dtype);
      const relH = round(dtype, bias.relH);
      const relW = round(dtype, bias.relW);
      const { out: actual } = await runOnArrays(ctx, dtype, { qkv, relH, relW }, { out: c.batch * tokens * c.heads * c.headDim }, (t) =>
        attentionProgram(ctx, t.qkv, t.out, geometry, { relH: t.relH, relW: t.relW, gridH: c.grid, gridW: c.grid }),
      );
      const expected = attentionReference(qkv, c.batch, tokens, c.heads, c.headDim, { gridH: c.grid, gridW: c.grid, relH, relW });
      return { actual, expected, ...attentionTolerance(dtype) };
    },
  });
}

// Without a bias, as CLIP runs it: 65 tokens (Tiny), 16 heads of 64.
encoderKernelChecks.push({
  kernel: 'encoder.attention',
  caseName: 'CLIP 65 tokens, 16x64, no bias',
  async run(ctx, dtype) {
    const geometry = { batch: 1, tokens: 65, heads: 16, headDim: 64 };
    const qkv = round(dtype, new SeededRandom(65).uniformArray(65 * 3 * 16 * 64, -1.5, 1.5));
    const { out: actual } = await runOnArrays(ctx, dtype, { qkv }, { out: 65 * 16 * 64 }, (t) => attentionProgram(ctx, t.qkv, t.out, geometry));
    const expected = attentionReference(qkv, 1, 65, 16, 64);
    return { actual, expected, ...attentionTolerance(dtype) };
  },
});

let registered = false;

/** Adds the encoder checks to the shared registry (idempotent). */
export function registerEncoderKernelChecks(): void {
  if (registered) return;
  registered = true;
  for (const check of encoderKernelChecks) registerCheck(check);
}
