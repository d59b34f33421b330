/**
 * Core kernels of @opticspace/gpu: matmul GFLOP/s and top-k throughput on WebGPU, each against its
 * plain-TypeScript reference measured in the same run (ratio = reference time / GPU time).
 * GPU times are wall times of launch + completion (+ readback of the k results for top-k), data
 * already resident; "kernel ms" is the timestamp-query time when the adapter has timestamps.
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
import { timeMedian, type BenchContext, type BenchRow, type BenchTable } from './harness';

async function matmulTable(gpu: GpuContext | null, quick: boolean, log: (m: string) => void): Promise<BenchTable> {
  const sizes = quick ? [128, 256] : [256, 512, 1024];
  const dtypes: Array<'f32' | 'f16'> = gpu?.features.shaderF16 ? ['f32', 'f16'] : ['f32'];
  const rows: BenchRow[] = [];
  for (const size of sizes) {
    const rng = new SeededRandom(size);
    const a = rng.uniformArray(size * size);
    const b = rng.uniformArray(size * size);
    const flops = 2 * size ** 3;
    log(`matmul ${size}: TS reference`);
    const referenceMs = await timeMedian(() => matmulReference(a, b, size, size, size), size >= 1024 ? 1 : 3, size >= 1024 ? 0 : 1);
    for (const dtype of gpu ? dtypes : []) {
      const ctx = gpu!;
      const ta = Tensor.from(ctx, a, [size, size], dtype);
      const tb = Tensor.from(ctx, b, [size, size], dtype);
      const out = Tensor.empty(ctx, [size, size], dtype);
      const program = matmulProgram(ctx, ta, tb, out);
      let kernelMs: number | null = null;
      log(`matmul ${size} ${dtype}: WebGPU`);
      const gpuMs = await timeMedian(async () => {
        const timings = await new CommandBatch(ctx).dispatch(program).submit();
        await ctx.device.queue.onSubmittedWorkDone();
        if (timings.length) kernelMs = timings[0].ms;
      }, 5, 1);
      [ta, tb, out].forEach((t) => t.dispose());
      rows.push({
        size: `${size}x${size}x${size}`,
        dtype,
        'gpu ms': gpuMs,
        'kernel ms': kernelMs,
        'gpu GFLOP/s': flops / gpuMs / 1e6,
        'ts ms': referenceMs,
        'ts GFLOP/s': flops / referenceMs / 1e6,
        'speedup (ts/gpu)': referenceMs / gpuMs,
      });
    }
    if (!gpu) rows.push({ size: `${size}x${size}x${size}`, dtype: 'f32', 'ts ms': referenceMs, 'ts GFLOP/s': flops / referenceMs / 1e6 });
  }
  return {
    title: 'matmul: tiled WGSL (64x64 tiles, 4x4 per invocation, vec4 workgroup tiles) vs matmulReference',
    notes: [`adapter: ${gpu?.adapterName ?? 'none'}`, 'f16 = f16 storage, f32 accumulation; the TS reference is f64 on f32 inputs.'],
    rows,
  };
}

async function selectTopKTable(gpu: GpuContext | null, quick: boolean, log: (m: string) => void): Promise<BenchTable> {
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

export default async function gpuBench({ gpu, quick, log }: BenchContext): Promise<BenchTable[]> {
  return [await matmulTable(gpu, quick, log), await selectTopKTable(gpu, quick, log)];
}
