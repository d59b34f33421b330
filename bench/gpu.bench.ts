/**
 * Core kernels of @opticspace/gpu: matmul GFLOP/s and top-k throughput on WebGPU, each against its
 * plain-TypeScript reference measured in the same run (ratio = reference time / GPU time).
 * GPU times are wall times of launch + completion (+ readback of the k results for top-k), data
 * already resident, on the harness's device without timestamps; "kernel ms" is the
 * timestamp-query time on its profiled device when the adapter has timestamps.
 * Sizes: quick 128-256, default 256-1024 plus the encoder's own products (SAM qkv at Base, CLIP
 * fc1 at Base and Tiny), large (GPU host) 4096^3 and the encoder's products; the TS reference
 * only up to 1024^3 (minutes of plain JS above).
 */
import {
  CommandBatch,
  SeededRandom,
  Tensor,
  matmulProgram,
  matmulReference,
  matmulTileFor,
  selectTopK,
  selectTopKReference,
  topKKernelFor,
  type GpuContext,
  type MatmulOptions,
} from '@opticspace/gpu';
import { timeMedian, type BenchContext, type BenchRow, type BenchTable, type SizeProfile } from './harness';

interface MatmulCase {
  name: string;
  M: number;
  K: number;
  N: number;
  /** The encoder's layout: x [M, K] @ W^T with W stored [N, K], plus a bias. */
  linear?: boolean;
}

const square = (n: number): MatmulCase => ({ name: `${n}x${n}x${n}`, M: n, K: n, N: n });
/** The encoder's own products (x @ W^T + bias). */
const ENCODER_PRODUCTS: MatmulCase[] = [
  { name: 'SAM qkv, Base: 4096x768x2304', M: 4096, K: 768, N: 2304, linear: true },
  { name: 'CLIP fc1, Base: 257x1024x4096', M: 257, K: 1024, N: 4096, linear: true },
  { name: 'CLIP fc1, Tiny: 65x1024x4096', M: 65, K: 1024, N: 4096, linear: true },
];
export const MATMUL_CASES: Record<SizeProfile, MatmulCase[]> = {
  quick: [square(128), square(256)],
  default: [square(256), square(512), square(1024), ...ENCODER_PRODUCTS],
  large: [square(1024), square(4096), ...ENCODER_PRODUCTS],
};
const REFERENCE_MAX_SIDE = 1024;

/** Median wall ms of one product (submit to completion) on `ctx`, and the last timestamp-query ms when it profiles. */
async function timeMatmul(ctx: GpuContext, c: MatmulCase, dtype: 'f32' | 'f16', repeats: number): Promise<{ ms: number; kernelMs: number | null }> {
  const rng = new SeededRandom(c.M + c.K + c.N);
  const ta = Tensor.from(ctx, rng.uniformArray(c.M * c.K), [c.M, c.K], dtype);
  const tb = Tensor.from(ctx, rng.uniformArray(c.K * c.N), c.linear ? [c.N, c.K] : [c.K, c.N], dtype);
  const bias = c.linear ? Tensor.from(ctx, rng.uniformArray(c.N), [c.N], dtype) : undefined;
  const out = Tensor.empty(ctx, [c.M, c.N], dtype);
  const options: MatmulOptions = c.linear ? { transposeB: true, bias } : {};
  const program = matmulProgram(ctx, ta, tb, out, options);
  let kernelMs: number | null = null;
  try {
    const ms = await timeMedian(async () => {
      const timings = await new CommandBatch(ctx).dispatch(program).submit();
      await ctx.device.queue.onSubmittedWorkDone();
      if (timings.length) kernelMs = timings[0].ms;
    }, repeats, 1);
    return { ms, kernelMs };
  } finally {
    [ta, tb, bias, out].forEach((t) => t?.dispose());
  }
}

async function matmulTable({ gpu, profiledGpu, sizes, log }: BenchContext): Promise<BenchTable> {
  const dtypes: Array<'f32' | 'f16'> = gpu?.features.shaderF16 ? ['f32', 'f16'] : ['f32'];
  const rows: BenchRow[] = [];
  for (const c of MATMUL_CASES[sizes]) {
    const flops = 2 * c.M * c.K * c.N;
    let referenceMs: number | null = null;
    if (!c.linear && c.M <= REFERENCE_MAX_SIDE) {
      log(`matmul ${c.name}: TS reference`);
      const rng = new SeededRandom(c.M + c.K + c.N);
      const a = rng.uniformArray(c.M * c.K);
      const b = rng.uniformArray(c.K * c.N);
      const slow = c.M >= 1024;
      referenceMs = await timeMedian(() => matmulReference(a, b, c.M, c.K, c.N), slow ? 1 : 3, slow ? 0 : 1);
    }
    for (const dtype of gpu ? dtypes : []) {
      log(`matmul ${c.name} ${dtype}: WebGPU`);
      const software = /llvmpipe|lavapipe|swiftshader/i.test(gpu!.adapterName);
      const repeats = software && flops > 4e9 ? 1 : 5;
      const { ms } = await timeMatmul(gpu!, c, dtype, repeats);
      const kernelMs = profiledGpu?.profilingEnabled ? (await timeMatmul(profiledGpu, c, dtype, 1)).kernelMs : null;
      rows.push({
        product: c.name,
        dtype,
        tile: matmulTileFor({ batch: 1, rows: c.M, columns: c.N }),
        'gpu ms': ms,
        'gpu GFLOP/s': flops / ms / 1e6,
        'kernel ms': kernelMs,
        'kernel GFLOP/s': kernelMs ? flops / kernelMs / 1e6 : null,
        'ts ms': referenceMs,
        'speedup (ts/gpu)': referenceMs ? referenceMs / ms : null,
      });
    }
    if (!gpu && referenceMs) rows.push({ product: c.name, dtype: 'f32', 'ts ms': referenceMs, 'ts GFLOP/s': flops / referenceMs / 1e6 });
  }
  return {
    title: 'matmul: shared-memory SGEMM (128x128 / 64x64 / 32x64 tiles, vec4 register blocking) vs matmulReference',
    notes: [
      `adapter: ${gpu?.adapterName ?? 'none'}`,
      'gpu ms: median wall time (submit to completion) on a device without timestamp queries; kernel ms: timestamp-query time on the profiling device.',
      'tile: the variant matmulTileFor picks for the shape; f16 = f16 storage, f32 accumulation; the TS reference is f64 on f32 inputs.',
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
