/**
 * Core kernels of @opticspace/gpu: matmul GFLOP/s and top-k throughput on WebGPU, each against its
 * plain-TypeScript reference measured in the same run (ratio = reference time / GPU time).
 * GPU times are wall times of launch + completion (+ readback of the k results for top-k), data
 * already resident; "kernel ms" is the timestamp-query time when the adapter has timestamps.
 * matmul's wall time comes from a device created without profiling (per-pass timestamps slow
 * launches down), its kernel time from the harness's profiling device.
 */
import {
  CommandBatch,
  SeededRandom,
  Tensor,
  createDevice,
  matmulProgram,
  matmulReference,
  matmulTileFor,
  selectTopK,
  selectTopKReference,
  topKKernelFor,
  type GpuContext,
  type MatmulOptions,
} from '@opticspace/gpu';
import { timeMedian, type BenchContext, type BenchRow, type BenchTable } from './harness';

const isSoftware = (gpu: GpuContext) => /llvmpipe|lavapipe|swiftshader/i.test(gpu.adapterName);

interface MatmulCase {
  name: string;
  M: number;
  K: number;
  N: number;
  /** The encoder's layout: x [M, K] @ W^T with W stored [N, K], plus a bias. */
  linear?: boolean;
}

/** Median wall ms (unprofiled device) and the last timestamp-query ms (profiled device) of one product. */
async function timeMatmul(devices: { wall: GpuContext; profiled: GpuContext }, c: MatmulCase, dtype: 'f32' | 'f16', repeats: number): Promise<{ wallMs: number; kernelMs: number | null; tile: string }> {
  const rng = new SeededRandom(c.M + c.K + c.N);
  const a = rng.uniformArray(c.M * c.K);
  const b = rng.uniformArray(c.K * c.N);
  const bias = rng.uniformArray(c.N);
  const run = async (ctx: GpuContext) => {
    const ta = Tensor.from(ctx, a, [c.M, c.K], dtype);
    const tb = Tensor.from(ctx, b, c.linear ? [c.N, c.K] : [c.K, c.N], dtype);
    const tbias = c.linear ? Tensor.from(ctx, bias, [c.N], dtype) : undefined;
    const out = Tensor.empty(ctx, [c.M, c.N], dtype);
    const options: MatmulOptions = c.linear ? { transposeB: true, bias: tbias } : {};
    const program = matmulProgram(ctx, ta, tb, out, options);
    let kernelMs: number | null = null;
    const ms = await timeMedian(async () => {
      const timings = await new CommandBatch(ctx).dispatch(program).submit();
      await ctx.device.queue.onSubmittedWorkDone();
      if (timings.length) kernelMs = timings[0].ms;
    }, repeats, 1);
    [ta, tb, tbias, out].forEach((t) => t?.dispose());
    return { ms, kernelMs };
  };
  const wall = await run(devices.wall);
  const profiled = devices.profiled.profilingEnabled ? await run(devices.profiled) : { kernelMs: null };
  return { wallMs: wall.ms, kernelMs: profiled.kernelMs, tile: matmulTileFor({ batch: 1, rows: c.M, columns: c.N }) };
}

async function matmulTable(gpu: GpuContext | null, quick: boolean, log: (m: string) => void): Promise<BenchTable> {
  const software = gpu ? isSoftware(gpu) : true;
  const sizes = quick ? [128, 256] : software ? [256, 512, 1024] : [256, 512, 1024, 2048, 4096];
  const cases: MatmulCase[] = sizes.map((n) => ({ name: `${n}x${n}x${n}`, M: n, K: n, N: n }));
  if (!quick) {
    // The encoder's own products (x @ W^T + bias): SAM qkv at Base, CLIP fc1 at Base and Tiny.
    cases.push(
      { name: 'SAM qkv, Base: 4096x768x2304', M: 4096, K: 768, N: 2304, linear: true },
      { name: 'CLIP fc1, Base: 257x1024x4096', M: 257, K: 1024, N: 4096, linear: true },
      { name: 'CLIP fc1, Tiny: 65x1024x4096', M: 65, K: 1024, N: 4096, linear: true },
    );
  }
  const dtypes: Array<'f32' | 'f16'> = gpu?.features.shaderF16 ? ['f32', 'f16'] : ['f32'];
  const wallDevice = gpu ? await createDevice() : null;
  const rows: BenchRow[] = [];
  try {
    for (const c of cases) {
      const flops = 2 * c.M * c.K * c.N;
      const square = c.M === c.K && c.K === c.N && !c.linear;
      let referenceMs: number | null = null;
      if (square && c.M <= 1024) {
        log(`matmul ${c.name}: TS reference`);
        const rng = new SeededRandom(c.M + c.K + c.N);
        const a = rng.uniformArray(c.M * c.K);
        const b = rng.uniformArray(c.K * c.N);
        referenceMs = await timeMedian(() => matmulReference(a, b, c.M, c.K, c.N), c.M >= 1024 ? 1 : 3, c.M >= 1024 ? 0 : 1);
      }
      for (const dtype of gpu ? dtypes : []) {
        log(`matmul ${c.name} ${dtype}: WebGPU`);
        const repeats = software && flops > 4e9 ? 1 : 5;
        const { wallMs, kernelMs, tile } = await timeMatmul({ wall: wallDevice!, profiled: gpu! }, c, dtype, repeats);
        rows.push({
          product: c.name,
          dtype,
          tile,
          'gpu ms': wallMs,
          'gpu GFLOP/s': flops / wallMs / 1e6,
          'kernel ms': kernelMs,
          'kernel GFLOP/s': kernelMs ? flops / kernelMs / 1e6 : null,
          'ts ms': referenceMs,
          'speedup (ts/gpu)': referenceMs ? referenceMs / wallMs : null,
        });
      }
      if (!gpu && referenceMs) rows.push({ product: c.name, dtype: 'f32', 'ts ms': referenceMs, 'ts GFLOP/s': flops / referenceMs / 1e6 });
    }
  } finally {
    wallDevice?.dispose();
  }
  return {
    title: 'matmul: shared-memory SGEMM (128x128 / 64x64 / 32x64 tiles, vec4 register blocking) vs matmulReference',
    notes: [
      `adapter: ${gpu?.adapterName ?? 'none'}${software ? ' (software: square sizes up to 1024 only)' : ''}`,
      'gpu ms: median wall time (submit to completion) on a device without timestamp queries; kernel ms: timestamp-query time on the profiling device.',
      'tile: the variant matmulTileFor picks for the shape; f16 = f16 storage, f32 accumulation; the TS reference is f64 on f32 inputs.',
    ],
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
