/**
 * Encoder kernel self-checks for the shared registry of @opticspace/gpu (run in Node and,
 * unchanged, by the browser check page): each encoder WGSL kernel against its TS reference.
 * Call registerEncoderKernelChecks() once before runKernelChecks().
 */
import { CommandBatch, SeededRandom, Tensor, registerCheck, roundToFloat16, type ComputeProgram, type GpuContext, type KernelCheck } from '@opticspace/gpu';
import { attentionProgram, attentionReference } from './kernels/attention';
import { im2colProgram, im2colReference, im2colShape, type Im2colGeometry } from './kernels/im2col';
import { relPosBiasProgram, relPosBiasReference } from './kernels/rel-pos-bias';
import { windowPartitionProgram, windowPartitionReference, windowedSize } from './kernels/window-partition';

type Dtype = 'f32' | 'f16';
const round = (dtype: Dtype, x: Float32Array) => (dtype === 'f16' ? roundToFloat16(x) : x);

async function runOnce(ctx: GpuContext, dtype: Dtype, inputs: Float32Array[], outputSize: number, build: (inputs: Tensor[], out: Tensor) => ComputeProgram): Promise<Float32Array> {
  const tensors = inputs.map((data) => Tensor.from(ctx, data, [data.length], dtype));
  const out = Tensor.empty(ctx, [outputSize], dtype);
  await new CommandBatch(ctx).dispatch(build(tensors, out)).submit();
  const actual = await out.readFloat32();
  [...tensors, out].forEach((t) => t.dispose());
  return actual;
}

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
      const actual = await runOnce(ctx, dtype, [x], rows * width, ([input], out) => im2colProgram(ctx, input, out, g));
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
    const actual = await runOnce(ctx, dtype, [x], windowedSize(g), ([input], out) => windowPartitionProgram(ctx, input, out, g));
    return { actual, expected: windowPartitionReference(x, 16, 16, 3, 5), atol: 0, rtol: 0 };
  },
});

for (const c of [
  { batch: 2, grid: 5, heads: 2, headDim: 16 },
  { batch: 1, grid: 9, heads: 1, headDim: 64 },
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
  const tolerance = (dtype: Dtype) => (dtype === 'f16' ? { atol: 2e-2, rtol: 2e-2 } : { atol: 1e-5, rtol: 1e-5 });
  encoderKernelChecks.push({
    kernel: 'encoder.relPosBias',
    caseName,
    async run(ctx, dtype) {
      const { qkv, tableH, tableW, bias } = inputs(dtype);
      const rows = c.batch * c.heads * tokens;
      const relH = Tensor.empty(ctx, [rows * c.grid], dtype);
      const actual = await runOnce(ctx, dtype, [qkv, tableH, tableW], rows * c.grid, ([q, h, w], out) =>
        relPosBiasProgram(ctx, q, h, w, relH, out, { ...geometry, gridH: c.grid, gridW: c.grid }),
      );
      relH.dispose();
      return { actual, expected: bias.relW, ...tolerance(dtype) };
    },
  });
  encoderKernelChecks.push({
    kernel: 'encoder.attention',
    caseName: `${caseName}, rel-pos bias`,
    async run(ctx, dtype) {
      const { qkv, bias } = inputs(dtype);
      const relH = round(dtype, bias.relH);
      const relW = round(dtype, bias.relW);
      const actual = await runOnce(ctx, dtype, [qkv, relH, relW], c.batch * tokens * c.heads * c.headDim, ([q, h, w], out) =>
        attentionProgram(ctx, q, out, geometry, { relH: h, relW: w, gridH: c.grid, gridW: c.grid }),
      );
      const expected = attentionReference(qkv, c.batch, tokens, c.heads, c.headDim, { gridH: c.grid, gridW: c.grid, relH, relW });
      return { actual, expected, ...tolerance(dtype) };
    },
  });
}

let registered = false;

/** Adds the encoder checks to the shared registry (idempotent). */
export function registerEncoderKernelChecks(): void {
  if (registered) return;
  registered = true;
  for (const check of encoderKernelChecks) registerCheck(check);
}
