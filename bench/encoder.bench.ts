/**
 * DeepEncoder forward pass on WebGPU: time per configuration, tokens/s, peak GPU memory (buffer
 * pool peak on a fresh device: weights + activations), against PyTorch
 * (scripts/encoder-fixtures/bench_torch.py, same configuration and seeded random weights, same
 * run, on CUDA when there is a GPU with torch, else on the CPU; see bench/python.ts) and, for the
 * smallest configuration, the plain-TS reference. Wall times run on a device without timestamp
 * queries; the kernel sums (all, attention, matmul) come from a second run on a profiled device.
 * A second table times the attention kernel alone at the encoder's real shapes.
 *
 * Sizes: a full-size forward (Tiny ~0.23 TFLOP, Base ~1.1 TFLOP) takes minutes on a software
 * adapter (llvmpipe / SwiftShader, a few GFLOP/s), so there the bench runs
 *   - `reduced-256`: the PyTorch fixture's configuration (256 px, widths 16-48, 3 + 2 blocks);
 *   - `<mode>-narrow`: the mode's real image size, depths, windows and global blocks with narrow
 *     widths (SAM 96 = 2 heads x 48, CLIP 128 = 2 x 64): the real token counts and attention shapes;
 * and full-size modes only on a hardware adapter. `--quick` runs `reduced-256` only;
 * `--sizes large` (GPU host) runs the full-size Tiny and Base only (weights generated in memory),
 * with PyTorch on CUDA only (a full-size CPU forward takes minutes).
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandBatch, SeededRandom, Tensor, type ComputeProgram, type GpuContext, type KernelTiming } from '@opticspace/gpu';
import {
  DeepEncoderGpu,
  attentionProgram,
  relPosBiasProgram,
  encodeReference,
  encoderConfigForMode,
  encoderGeometry,
  randomEncoderWeights,
  type EncoderConfig,
  RESOLUTION_MODE_NAMES,
  type ResolutionModeName,
  type EncoderWeights,
} from '@opticspace/encoder';
import { BenchFailure, orFailure, timeMedian, type BenchContext, type BenchRow, type BenchTable, type SizeProfile } from './harness';
import { findTorch, runPythonJson } from './python';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const REDUCED_256: EncoderConfig = {
  imageSize: 256,
  sam: { patchSize: 16, embedDim: 32, depth: 3, heads: 2, mlpDim: 64, windowSize: 5, globalBlocks: [1], nativeGrid: 20, neckChannels: 16, net2Channels: 24, net3Channels: 32, layerNormEps: 1e-6 },
  clip: { hidden: 32, depth: 2, heads: 2, mlpDim: 64, nativeGrid: 6, layerNormEps: 1e-5 },
  projectorDim: 48,
};

function narrowConfig(mode: ResolutionModeName): EncoderConfig {
  const full = encoderConfigForMode(mode);
  return {
    imageSize: full.imageSize,
    sam: { ...full.sam, embedDim: 96, heads: 2, mlpDim: 384, neckChannels: 32, net2Channels: 64, net3Channels: 128 },
    clip: { ...full.clip, hidden: 128, heads: 2, mlpDim: 512 },
    projectorDim: 160,
  };
}

function isSoftwareAdapter(gpu: GpuContext): boolean {
  return /llvmpipe|lavapipe|swiftshader/i.test(gpu.adapterName);
}

/** Median PyTorch forward time on `device` (same configuration, seeded random weights), or why it is missing. */
function torchMilliseconds(config: EncoderConfig, repeats: number, allowCpu: boolean): number | string {
  const torch = findTorch();
  if (typeof torch === 'string') return torch;
  if (torch.device === 'cpu' && !allowCpu) return 'no CUDA for torch, and a full-size CPU forward takes minutes';
  const script = resolve(root, 'scripts/encoder-fixtures/bench_torch.py');
  const result = runPythonJson<{ ms: number }>(torch, script, [JSON.stringify(config), String(repeats), torch.device]);
  return typeof result === 'string' ? result : result.ms;
}

/** Sums of per-kernel GPU times, in total and for the kernels whose names start with each prefix. */
function kernelSums(timings: KernelTiming[]): { total: number; attention: number; matmul: number } {
  const sum = (prefix: string) => timings.filter((t) => t.name.startsWith(prefix)).reduce((total, t) => total + t.ms, 0);
  return { total: sum(''), attention: sum('attention') + sum('rel_pos_bias'), matmul: sum('matmul') };
}

/**
 * Times `repeats` forwards (after one warm-up) on a fresh device, so the pool's peak is this
 * configuration's alone; returns the median wall time, the last run's kernel-time sum (when
 * the device profiles: all, attention, matmul), the weights' and peak bytes.
 */
async function timeForward(ctx: GpuContext, weights: EncoderWeights, pixels: Float32Array, dtype: 'f32' | 'f16', repeats: number) {
  try {
    const encoder = DeepEncoderGpu.create(ctx, weights, dtype);
    const weightBytes = ctx.buffers.stats.allocatedBytes;
    let timings: KernelTiming[] = [];
    const ms = await timeMedian(async () => {
      timings = (await encoder.encode(pixels)).timings;
    }, repeats, 1);
    const peakBytes = ctx.buffers.stats.peakBytes;
    encoder.dispose();
    return { ms, kernels: timings.length ? kernelSums(timings) : null, weightBytes, peakBytes };
  } finally {
    ctx.dispose();
  }
}

interface EncoderRun {
  name: string;
  config: EncoderConfig;
  repeats: number;
  reference: boolean;
}

async function benchConfig(ctx: BenchContext, { name, config, repeats, reference }: EncoderRun, dtype: 'f32' | 'f16', weights: EncoderWeights): Promise<BenchRow> {
  const { log } = ctx;
  const geometry = encoderGeometry(config);
  const pixels = new SeededRandom(3).uniformArray(3 * config.imageSize * config.imageSize, -1, 1);
  const head: BenchRow = { config: name, image: `${config.imageSize}px`, tokens: geometry.tokenCount, dtype };
  log(`${name} ${dtype}: WebGPU forward x${repeats} (+1 warm-up), no timestamps`);
  const wall = await orFailure(async () => timeForward(await ctx.openDevice({ profiling: false }), weights, pixels, dtype, repeats));
  if (wall instanceof BenchFailure) {
    log(`${name} ${dtype}: ${wall.message}`);
    return { ...head, error: wall.message };
  }
  log(`${name} ${dtype}: WebGPU forward x1 (+1 warm-up), profiled`);
  const profiled = await orFailure(async () => timeForward(await ctx.openDevice({ profiling: true }), weights, pixels, dtype, 1));
  const kernels = profiled instanceof BenchFailure ? null : profiled.kernels;
  const row: BenchRow = {
    ...head,
    'gpu ms': wall.ms,
    'kernel ms': kernels?.total ?? null,
    'wall/kernel': kernels ? wall.ms / kernels.total : null,
    'attention ms': kernels?.attention ?? null,
    'matmul ms': kernels?.matmul ?? null,
    'attention share': kernels ? kernels.attention / kernels.total : null,
    'profiled gpu ms': profiled instanceof BenchFailure ? null : profiled.ms,
    'tokens/s': (geometry.tokenCount * 1000) / wall.ms,
    'weights MiB': wall.weightBytes / 2 ** 20,
    'peak GPU MiB': wall.peakBytes / 2 ** 20,
  };
  if (dtype === 'f32') {
    const torch = findTorch();
    log(`${name}: PyTorch ${typeof torch === 'string' ? '' : torch.device}`);
    const torchMs = torchMilliseconds(config, repeats, ctx.sizes !== 'large');
    row['torch ms'] = typeof torchMs === 'number' ? torchMs : null;
    if (typeof torchMs === 'number') row['torch/gpu'] = torchMs / wall.ms;
    else log(`${name}: ${torchMs}`);
    if (reference) {
      log(`${name}: TS reference`);
      row['ts ms'] = await timeMedian(() => encodeReference(pixels, weights), 1, 0);
    }
  }
  return row;
}

interface AttentionCase {
  name: string;
  batch: number;
  grid: number;
  heads: number;
  /** Tokens when there is no grid bias (CLIP: grid^2 + 1). */
  tokens?: number;
}

const ATTENTION_CASES: AttentionCase[] = [
  { name: 'SAM windows, Base: 25 x 196 tokens, 12x64, rel-pos', batch: 25, grid: 14, heads: 12 },
  { name: 'SAM global, Tiny: 1024 tokens, 12x64, rel-pos', batch: 1, grid: 32, heads: 12 },
  { name: 'SAM global, Base: 4096 tokens, 12x64, rel-pos', batch: 1, grid: 64, heads: 12 },
  { name: 'CLIP Base: 257 tokens, 16x64', batch: 1, grid: 16, heads: 16, tokens: 257 },
];
const CLIP_TINY: AttentionCase = { name: 'CLIP Tiny: 65 tokens, 16x64', batch: 1, grid: 8, heads: 16, tokens: 65 };

function attentionCases(sizes: SizeProfile, software: boolean): AttentionCase[] {
  if (sizes === 'quick') return [CLIP_TINY];
  // A 4096-token global attention takes minutes on a software adapter.
  return ATTENTION_CASES.filter((c) => !(software && sizes === 'default' && c.grid === 64));
}

/** The attention kernel alone at the encoder's shapes: wall (unprofiled) and kernel times of attention and of the rel-pos terms. */
async function attentionTable(wallDevice: GpuContext, profiledGpu: GpuContext | null, cases: AttentionCase[], software: boolean, log: (m: string) => void): Promise<BenchTable> {
  const rows: BenchRow[] = [];
  const headDim = 64;
  {
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
      if (profiledGpu?.profilingEnabled) {
        const profiled = setUp(profiledGpu);
        await run(profiledGpu, profiled.programs);
        timings = await run(profiledGpu, profiled.programs);
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
  }
  return {
    title: 'Attention kernel (flash-style, rel-pos bias fused) at the encoder\'s shapes, f32',
    notes: [
      `adapter: ${wallDevice.adapterName}`,
      'gpu ms: median wall time of the rel-pos terms + attention launches on a device without timestamps; kernel ms: timestamp queries on the profiling device.',
      'GFLOP/s counts q k^T and p v (4 x tokens^2 x head_dim per head); the rel-pos terms kernel computes q . table rows for every query ((gridH + gridW) x head_dim each).',
    ],
    rows,
  };
}

export default async function encoderBench(ctx: BenchContext): Promise<BenchTable[]> {
  const { gpu, sizes } = ctx;
  if (!gpu) return [{ title: 'DeepEncoder forward', notes: ['No WebGPU device: skipped.'], rows: [] }];
  const software = isSoftwareAdapter(gpu);
  const dtypes: Array<'f32' | 'f16'> = gpu.features.shaderF16 ? ['f32', 'f16'] : ['f32'];
  const runs: EncoderRun[] = [];
  if (sizes === 'large') {
    for (const mode of ['tiny', 'base'] as const) runs.push({ name: mode, config: encoderConfigForMode(mode), repeats: 5, reference: false });
  } else {
    runs.push({ name: 'reduced-256', config: REDUCED_256, repeats: 3, reference: true });
  }
  if (sizes === 'default') {
    const narrowModes: ResolutionModeName[] = software ? ['tiny', 'small'] : ['tiny', 'small', 'base', 'large'];
    for (const mode of narrowModes) runs.push({ name: `${mode}-narrow`, config: narrowConfig(mode), repeats: software ? 1 : 3, reference: false });
    if (!software) for (const mode of RESOLUTION_MODE_NAMES.filter((name) => name !== 'gundam')) runs.push({ name: mode, config: encoderConfigForMode(mode), repeats: 3, reference: false });
  }
  const rows: BenchRow[] = [];
  for (const run of runs) {
    const weights = randomEncoderWeights(run.config, 7);
    for (const dtype of dtypes) rows.push(await benchConfig(ctx, run, dtype, weights));
  }
  const attention = await attentionTable(gpu, ctx.profiledGpu, attentionCases(sizes, software), software, ctx.log);
  const torch = findTorch();
  return [
    {
      title: 'DeepEncoder forward (one global view): WebGPU vs PyTorch vs TS reference',
      notes: [
        `adapter: ${gpu.adapterName}${software && sizes !== 'large' ? ' (software: full-size modes skipped, a full Tiny forward takes minutes here)' : ''}`,
        'gpu ms: median wall time of encode() (pixel upload, all blocks, token read-back) on a device without timestamps; kernel ms: sum of the timestamp-query times of one run on a profiled device (a pass per kernel), whose wall time is profiled gpu ms; wall/kernel: their ratio.',
        'attention ms: attention + rel-pos terms kernels; matmul ms: every matmul (linear layers, convolutions after im2col, projector).',
        'peak GPU MiB: buffer-pool high-water mark on a fresh device (weights + activations, power-of-two buckets: an upper bound); f16 = f16 storage, f32 arithmetic.',
        `torch ms: scripts/encoder-fixtures/bench_torch.py (same configuration, f32, TF32 off) in this run: ${typeof torch === 'string' ? `not run (${torch})` : `torch ${torch.torch} on ${torch.deviceName}`}.`,
        '<mode>-narrow: the mode\'s image size, depths, windows and global blocks with narrow widths (SAM 96, CLIP 128).',
      ],
      rows,
    },
    attention,
  ];
}
