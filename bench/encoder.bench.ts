/**
 * DeepEncoder forward pass on WebGPU: time per configuration, tokens/s, peak GPU memory (buffer
 * pool peak on a fresh device: weights + activations), against PyTorch on the CPU
 * (scripts/encoder-fixtures/bench_torch.py, same configuration, same run, when /usr/bin/python3
 * has torch) and, for the smallest configuration, the plain-TS reference.
 *
 * Sizes: a full-size forward (Tiny ~0.23 TFLOP, Base ~1.1 TFLOP) takes minutes on a software
 * adapter (llvmpipe / SwiftShader, a few GFLOP/s), so there the bench runs
 *   - `reduced-256`: the PyTorch fixture's configuration (256 px, widths 16-48, 3 + 2 blocks);
 *   - `<mode>-narrow`: the mode's real image size, depths, windows and global blocks with narrow
 *     widths (SAM 96 = 2 heads x 48, CLIP 128 = 2 x 64): the real token counts and attention shapes;
 * and full-size modes only on a hardware adapter. `--quick` runs `reduced-256` only.
 *
 * Wall times come from a device created without profiling (per-pass timestamps slow a forward
 * pass down), kernel sums from a second, profiling device. A second table times the attention
 * kernel alone at the encoder's real shapes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandBatch, createDevice, SeededRandom, Tensor, type ComputeProgram, type GpuContext, type KernelTiming } from '@opticspace/gpu';
import {
  DeepEncoderGpu,
  attentionProgram,
  relPosBiasProgram,
  MODE_IMAGE_SIZE,
  encodeReference,
  encoderConfigForMode,
  encoderGeometry,
  randomEncoderWeights,
  type EncoderConfig,
  type EncoderMode,
} from '@opticspace/encoder';
import { timeMedian, type BenchContext, type BenchRow, type BenchTable } from './harness';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

const REDUCED_256: EncoderConfig = {
  imageSize: 256,
  sam: { patchSize: 16, embedDim: 32, depth: 3, heads: 2, mlpDim: 64, windowSize: 5, globalBlocks: [1], nativeGrid: 20, neckChannels: 16, net2Channels: 24, net3Channels: 32, layerNormEps: 1e-6 },
  clip: { hidden: 32, depth: 2, heads: 2, mlpDim: 64, nativeGrid: 6, layerNormEps: 1e-5 },
  projectorDim: 48,
};

function narrowConfig(mode: EncoderMode): EncoderConfig {
  const full = encoderConfigForMode(mode);
  return {
    imageSize: MODE_IMAGE_SIZE[mode],
    sam: { ...full.sam, embedDim: 96, heads: 2, mlpDim: 384, neckChannels: 32, net2Channels: 64, net3Channels: 128 },
    clip: { ...full.clip, hidden: 128, heads: 2, mlpDim: 512 },
    projectorDim: 160,
  };
}

function isSoftwareAdapter(gpu: GpuContext): boolean {
  return /llvmpipe|lavapipe|swiftshader/i.test(gpu.adapterName);
}

/** Median PyTorch CPU forward time, or a reason it is missing. */
function torchMilliseconds(config: EncoderConfig, repeats: number): number | string {
  if (!existsSync(PYTHON)) return 'no /usr/bin/python3';
  const script = resolve(root, 'scripts/encoder-fixtures/bench_torch.py');
  const result = spawnSync(PYTHON, [script, JSON.stringify(config), String(repeats)], { encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) return `torch failed: ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`;
  return (JSON.parse(result.stdout.trim().split('\n').pop()!) as { ms: number }).ms;
}

/** Sums of per-kernel GPU times, in total and for the kernels whose names start with each prefix. */
function kernelSums(timings: KernelTiming[]): { total: number; attention: number; matmul: number } {
  const sum = (prefix: string) => timings.filter((t) => t.name.startsWith(prefix)).reduce((total, t) => total + t.ms, 0);
  return { total: sum(''), attention: sum('attention') + sum('rel_pos_bias'), matmul: sum('matmul') };
}

async function benchConfig(name: string, config: EncoderConfig, dtype: 'f32' | 'f16', repeats: number, withReference: boolean, log: (m: string) => void): Promise<BenchRow> {
  const geometry = encoderGeometry(config);
  const weights = randomEncoderWeights(config, 7);
  const pixels = new SeededRandom(3).uniformArray(3 * config.imageSize * config.imageSize, -1, 1);
  // A fresh unprofiled device per row: wall time, and a pool peak that is this configuration's alone.
  const ctx = await createDevice();
  let row: BenchRow;
  try {
    const encoder = DeepEncoderGpu.create(ctx, weights, dtype);
    const weightBytes = ctx.buffers.stats.allocatedBytes;
    log(`${name} ${dtype}: WebGPU forward x${repeats} (+1 warm-up)`);
    const gpuMs = await timeMedian(() => encoder.encode(pixels), repeats, 1);
    const peakBytes = ctx.buffers.stats.peakBytes;
    encoder.dispose();
    row = { config: name, image: `${config.imageSize}px`, tokens: geometry.tokenCount, dtype, 'gpu ms': gpuMs };
    Object.assign(row, await profiledForward(name, weights, pixels, dtype, log), {
      'tokens/s': (geometry.tokenCount * 1000) / gpuMs,
      'weights MiB': weightBytes / 2 ** 20,
      'peak GPU MiB': peakBytes / 2 ** 20,
    });
    const kernelMs = row['kernel ms'];
    if (typeof kernelMs === 'number') row['wall/kernel'] = gpuMs / kernelMs;
  } finally {
    ctx.dispose();
  }
  if (dtype === 'f32') {
    log(`${name}: PyTorch CPU`);
    const torchMs = torchMilliseconds(config, repeats);
    row['torch cpu ms'] = typeof torchMs === 'number' ? torchMs : null;
    if (typeof torchMs === 'number') row['torch/gpu'] = torchMs / (row['gpu ms'] as number);
    else log(`${name}: ${torchMs}`);
    if (withReference) {
      log(`${name}: TS reference`);
      row['ts ms'] = await timeMedian(() => encodeReference(pixels, weights), 1, 0);
    }
  }
  return row;
}

/** Kernel-time sums of one forward pass (after a warm-up) on a profiling device. */
async function profiledForward(name: string, weights: ReturnType<typeof randomEncoderWeights>, pixels: Float32Array, dtype: 'f32' | 'f16', log: (m: string) => void): Promise<BenchRow> {
  const ctx = await createDevice({ profiling: true });
  try {
    if (!ctx.profilingEnabled) return { 'kernel ms': null };
    log(`${name} ${dtype}: profiled forward`);
    const encoder = DeepEncoderGpu.create(ctx, weights, dtype);
    await encoder.encode(pixels);
    const sums = kernelSums((await encoder.encode(pixels)).timings);
    encoder.dispose();
    return { 'kernel ms': sums.total, 'attention ms': sums.attention, 'matmul ms': sums.matmul, 'attention share': sums.attention / sums.total };
  } finally {
    ctx.dispose();
  }
}

interface AttentionCase {
  name: string;
  batch: number;
  grid: number;
  heads: number;
  /** Tokens when there is no grid bias (CLIP: grid^2 + 1). */
  tokens?: number;
}

/** The attention kernel alone at the encoder's shapes: wall (unprofiled) and kernel times of attention and of the rel-pos terms. */
async function attentionTable(gpu: GpuContext, quick: boolean, software: boolean, log: (m: string) => void): Promise<BenchTable> {
  const cases: AttentionCase[] = quick
    ? [{ name: 'CLIP Tiny: 65 tokens, 16x64', batch: 1, grid: 8, heads: 16, tokens: 65 }]
    : [
        { name: 'SAM windows, Base: 25 x 196 tokens, 12x64, rel-pos', batch: 25, grid: 14, heads: 12 },
        { name: 'SAM global, Tiny: 1024 tokens, 12x64, rel-pos', batch: 1, grid: 32, heads: 12 },
        ...(software ? [] : [{ name: 'SAM global, Base: 4096 tokens, 12x64, rel-pos', batch: 1, grid: 64, heads: 12 }]),
        { name: 'CLIP Base: 257 tokens, 16x64', batch: 1, grid: 16, heads: 16, tokens: 257 },
      ];
  const wallDevice = await createDevice();
  const rows: BenchRow[] = [];
  const headDim = 64;
  try {
    for (const c of cases) {
      const tokens = c.tokens ?? c.grid * c.grid;
      const withBias = c.tokens === undefined;
      const qkv = new SeededRandom(tokens).uniformArray(c.batch * tokens * 3 * c.heads * headDim, -1, 1);
      const table = new SeededRandom(c.grid).uniformArray((2 * c.grid - 1) * headDim, -0.1, 0.1);
      /** Records rel-pos terms (when biased) and attention on `ctx`; returns the programs and a cleanup. */
      const setUp = (ctx: GpuContext) => {
        const t = {
          qkv: Tensor.from(ctx, qkv, [c.batch * tokens, 3 * c.heads * headDim]),
          out: Tensor.empty(ctx, [c.batch * tokens, c.heads * headDim]),
          table: Tensor.from(ctx, table, [2 * c.grid - 1, headDim]),
          relH: Tensor.empty(ctx, [c.batch * c.heads * tokens, c.grid]),
          relW: Tensor.empty(ctx, [c.batch * c.heads * tokens, c.grid]),
        };
        const geometry = { batch: c.batch, tokens, heads: c.heads, headDim };
        const programs: ComputeProgram[] = withBias
          ? [
              relPosBiasProgram(ctx, t.qkv, t.table, t.table, t.relH, t.relW, { ...geometry, gridH: c.grid, gridW: c.grid }),
              attentionProgram(ctx, t.qkv, t.out, geometry, { relH: t.relH, relW: t.relW, gridH: c.grid, gridW: c.grid }),
            ]
          : [attentionProgram(ctx, t.qkv, t.out, geometry)];
        return { programs, dispose: () => Object.values(t).forEach((tensor) => tensor.dispose()) };
      };
      const run = async (ctx: GpuContext, programs: ComputeProgram[]) => {
        const batch = new CommandBatch(ctx);
        for (const program of programs) batch.dispatch(program);
        const timings = await batch.submit();
        await ctx.device.queue.onSubmittedWorkDone();
        return timings;
      };
      log(`attention ${c.name}`);
      const flops = 4 * c.batch * c.heads * tokens * tokens * headDim;
      const repeats = software && flops > 2e9 ? 3 : 5;
      const wall = setUp(wallDevice);
      const wallMs = await timeMedian(() => run(wallDevice, wall.programs), repeats, 1);
      wall.dispose();
      let timings: KernelTiming[] = [];
      if (gpu.profilingEnabled) {
        const profiled = setUp(gpu);
        await run(gpu, profiled.programs);
        timings = await run(gpu, profiled.programs);
        profiled.dispose();
      }
      const kernel = (prefix: string) => timings.find((t) => t.name.startsWith(prefix))?.ms ?? null;
      const attentionMs = kernel('attention');
      rows.push({
        shape: c.name,
        'gpu ms (both kernels)': wallMs,
        'attention kernel ms': attentionMs,
        'attention GFLOP/s': attentionMs ? flops / attentionMs / 1e6 : null,
        'rel-pos terms kernel ms': withBias ? kernel('rel_pos_bias') : null,
      });
    }
  } finally {
    wallDevice.dispose();
  }
  return {
    title: 'Attention kernel (flash-style, rel-pos bias fused) at the encoder\'s shapes, f32',
    notes: [
      `adapter: ${gpu.adapterName}`,
      'gpu ms: median wall time of the rel-pos terms + attention launches on a device without timestamps; kernel ms: timestamp queries on the profiling device.',
      'GFLOP/s counts q k^T and p v (4 x tokens^2 x head_dim per head); the rel-pos terms kernel computes q . table rows for every query ((gridH + gridW) x head_dim each).',
    ],
    rows,
  };
}

export default async function encoderBench({ gpu, quick, log }: BenchContext): Promise<BenchTable[]> {
  if (!gpu) return [{ title: 'DeepEncoder forward', notes: ['No WebGPU device: skipped.'], rows: [] }];
  const software = isSoftwareAdapter(gpu);
  const dtypes: Array<'f32' | 'f16'> = gpu.features.shaderF16 ? ['f32', 'f16'] : ['f32'];
  const runs: Array<{ name: string; config: EncoderConfig; repeats: number; reference: boolean }> = [{ name: 'reduced-256', config: REDUCED_256, repeats: 3, reference: true }];
  if (!quick) {
    const narrowModes: EncoderMode[] = software ? ['tiny', 'small'] : ['tiny', 'small', 'base', 'large'];
    for (const mode of narrowModes) runs.push({ name: `${mode}-narrow`, config: narrowConfig(mode), repeats: software ? 1 : 3, reference: false });
    if (!software) for (const mode of Object.keys(MODE_IMAGE_SIZE) as EncoderMode[]) runs.push({ name: mode, config: encoderConfigForMode(mode), repeats: 3, reference: false });
  }
  const rows: BenchRow[] = [];
  for (const run of runs) for (const dtype of dtypes) rows.push(await benchConfig(run.name, run.config, dtype, run.repeats, run.reference, log));
  const attention = await attentionTable(gpu, quick, software, log);
  return [
    {
      title: 'DeepEncoder forward (one global view): WebGPU vs PyTorch CPU vs TS reference',
      notes: [
        `adapter: ${gpu.adapterName}${software ? ' (software: full-size modes skipped, a full Tiny forward takes minutes here)' : ''}`,
        'gpu ms: median wall time of encode() (pixel upload, all blocks, token read-back) on a device without timestamp queries; kernel ms: sum of timestamp-query times of one forward on a second, profiling device (rough on llvmpipe); wall/kernel: their ratio.',
        'attention ms: attention + rel-pos terms kernels; matmul ms: every matmul (linear layers, convolutions after im2col, projector).',
        'peak GPU MiB: buffer-pool high-water mark on a fresh device (weights + activations, power-of-two buckets: an upper bound); f16 = f16 storage, f32 arithmetic.',
        'torch cpu ms: scripts/encoder-fixtures/bench_torch.py (torch 1.13, CPU, same configuration) in this run.',
        '<mode>-narrow: the mode\'s image size, depths, windows and global blocks with narrow widths (SAM 96, CLIP 128).',
      ],
      rows,
    },
    attention,
  ];
}
