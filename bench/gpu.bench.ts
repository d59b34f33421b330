/**
 * Core kernels of @opticspace/gpu: matmul GFLOP/s and top-k throughput on WebGPU, each against its
 * plain-TypeScript reference measured in the same run (ratio = reference time / GPU time).
 * GPU times are wall times of launch + completion (+ readback of the k results for top-k), data
 * already resident, on the device without timestamps; "kernel ms" is the timestamp-query time
 * on the profiled device when the adapter has timestamps.
 * Sizes: quick 128-256, default 256-1024, large (GPU host) 4096^3 and the encoder's real
 * shapes (SAM qkv 4096 x 768 -> 2304, CLIP MLP 257 x 1024 -> 4096); the TS reference is skipped
 * above 1024^3 (minutes of plain JS).
 */
import {
  CommandBatch,
  SeededRandom,
  Tensor,
  matmulProgram,
  matmulReference,
  selectTopK,
  selectTopKReference,
  topKKernelFor,
  type GpuContext,
} from '@opticspace/gpu';
import { kernelSum, timeMedian, type BenchContext, type BenchRow, type BenchTable, type SizeProfile } from './harness';

/** [M, K, N] of each matmul row. */
export const MATMUL_SHAPES: Record<SizeProfile, Array<[number, number, number]>> = {
  quick: [[128, 128, 128], [256, 256, 256], [257, 192, 320]],
  default: [[256, 256, 256], [512, 512, 512], [1024, 1024, 1024]],
  large: [[4096, 4096, 4096], [4096, 768, 2304], [257, 1024, 4096]],
};
const REFERENCE_MAX_FLOPS = 2 * 1024 ** 3;

/** Median wall time of one matmul (submit + completion) and the kernel time of one profiled run. */
async function timeMatmul(ctx: GpuContext, a: Float32Array, b: Float32Array, [M, K, N]: [number, number, number], dtype: 'f32' | 'f16') {
  const ta = Tensor.from(ctx, a, [M, K], dtype);
  const tb = Tensor.from(ctx, b, [K, N], dtype);
  const out = Tensor.empty(ctx, [M, N], dtype);
  const program = matmulProgram(ctx, ta, tb, out);
  let timings: Array<{ ms: number }> = [];
  try {
    const ms = await timeMedian(async () => {
      timings = await new CommandBatch(ctx).dispatch(program).submit();
      await ctx.device.queue.onSubmittedWorkDone();
    }, ctx.profilingEnabled ? 1 : 5, 1);
    return { ms, kernelMs: kernelSum(timings) };
  } finally {
    [ta, tb, out].forEach((t) => t.dispose());
  }
}

async function matmulTable({ gpu, profiledGpu, sizes, log }: BenchContext): Promise<BenchTable> {
  const dtypes: Array<'f32' | 'f16'> = gpu?.features.shaderF16 ? ['f32', 'f16'] : ['f32'];
  const rows: BenchRow[] = [];
  for (const shape of MATMUL_SHAPES[sizes]) {
    const [M, K, N] = shape;
    const label = `${M}x${K}x${N}`;
    const rng = new SeededRandom(M * 7 + K * 3 + N);
    const a = rng.uniformArray(M * K);
    const b = rng.uniformArray(K * N);
    const flops = 2 * M * K * N;
    let referenceMs: number | null = null;
    if (flops <= REFERENCE_MAX_FLOPS) {
      log(`matmul ${label}: TS reference`);
      const slow = flops >= REFERENCE_MAX_FLOPS;
      referenceMs = await timeMedian(() => matmulReference(a, b, M, K, N), slow ? 1 : 3, slow ? 0 : 1);
    }
    for (const dtype of gpu ? dtypes : []) {
      log(`matmul ${label} ${dtype}: WebGPU`);
      const { ms: gpuMs } = await timeMatmul(gpu!, a, b, shape, dtype);
      const kernelMs = profiledGpu ? (await timeMatmul(profiledGpu, a, b, shape, dtype)).kernelMs : null;
      rows.push({
        size: label,
        dtype,
        'gpu ms': gpuMs,
        'kernel ms': kernelMs,
        'gpu GFLOP/s': flops / gpuMs / 1e6,
        'ts ms': referenceMs,
        'ts GFLOP/s': referenceMs && flops / referenceMs / 1e6,
        'speedup (ts/gpu)': referenceMs && referenceMs / gpuMs,
      });
    }
    if (!gpu && referenceMs) rows.push({ size: label, dtype: 'f32', 'ts ms': referenceMs, 'ts GFLOP/s': flops / referenceMs / 1e6 });
  }
  return {
    title: 'matmul: tiled WGSL (64x64 tiles, 4x4 per invocation, vec4 workgroup tiles) vs matmulReference',
    notes: [
      `adapter: ${gpu?.adapterName ?? 'none'}`,
      'size = M x K x N; f16 = f16 storage, f32 accumulation; the TS reference is f64 on f32 inputs.',
      'gpu ms: median wall time (submit to completion) without timestamps; kernel ms: timestamp-query time of one run on the profiled device.',
    ],
    rows,
  };
}

async function selectTopKTable({ gpu, quick, log }: BenchContext): Promise<BenchTable> {
  const lengths = quick ? [100_000, 1_000_000] : [100_000, 1_000_000, 10_000_000];
  const rows: BenchRow[] = [];
  for (const n of lengths) {
    const scores = new SeededRandom(n).uniformArray(n);
    const tensor = gpu ? Tensor.from(gpu, scores, [1, n]) : null;
    for (const k of [10, 100]) {
      log(`selectTopK n=${n} k=${k}`);
      const referenceMs = await timeMedian(() => selectTopKReference(scores, 1, n, k), 5, 3);
      const gpuMs = gpu ? await timeMedian(() => selectTopK(gpu, tensor!, k), 5, 1) : null;
      rows.push({
        n,
        k,
        kernel: topKKernelFor(n, k),
        'gpu ms': gpuMs,
        'gpu Mscores/s': gpuMs ? n / gpuMs / 1e3 : null,
        'ts ms': referenceMs,
        'ts Mscores/s': n / referenceMs / 1e3,
        'speedup (ts/gpu)': gpuMs ? referenceMs / gpuMs : null,
      });
    }
    tensor?.dispose();
  }
  return {
    title: 'selectTopK (one row, largest; kernel as selectTopK picks it) vs selectTopKReference',
    notes: [`adapter: ${gpu?.adapterName ?? 'none'}`, 'GPU time includes launch, all passes and reading back the k results; scores already on the GPU.'],
    rows,
  };
}

export default async function gpuBench(ctx: BenchContext): Promise<BenchTable[]> {
  return [await matmulTable(ctx), await selectTopKTable(ctx)];
}
