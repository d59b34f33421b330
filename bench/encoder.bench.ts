/**
 * DeepEncoder forward pass on WebGPU: time per configuration, tokens/s, peak GPU memory (buffer
 * pool peak on a fresh device: weights + activations), against PyTorch
 * (scripts/encoder-fixtures/bench_torch.py, same configuration and seeded random weights, same
 * run, on CUDA when there is a GPU with torch, else on the CPU; see bench/python.ts) and, for the
 * smallest configuration, the plain-TS reference. Wall times run on a device without timestamp
 * queries; the kernel sum comes from a second run on a profiled device.
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
import { SeededRandom, type GpuContext, type KernelTiming } from '@opticspace/gpu';
import {
  DeepEncoderGpu,
  encodeReference,
  encoderConfigForMode,
  encoderGeometry,
  randomEncoderWeights,
  type EncoderConfig,
  RESOLUTION_MODE_NAMES,
  type ResolutionModeName,
  type EncoderWeights,
} from '@opticspace/encoder';
import { BenchFailure, kernelSum, orFailure, timeMedian, type BenchContext, type BenchRow, type BenchTable } from './harness';
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

/**
 * Times `repeats` forwards (after one warm-up) on a fresh device, so the pool's peak is this
 * configuration's alone; returns the median wall time, the last run's kernel-time sum (when
 * the device profiles), the weights' and peak bytes.
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
    return { ms, kernelMs: kernelSum(timings), weightBytes, peakBytes };
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
  const row: BenchRow = {
    ...head,
    'gpu ms': wall.ms,
    'kernel ms': profiled instanceof BenchFailure ? null : profiled.kernelMs,
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
  const torch = findTorch();
  return [
    {
      title: 'DeepEncoder forward (one global view): WebGPU vs PyTorch vs TS reference',
      notes: [
        `adapter: ${gpu.adapterName}${software && sizes !== 'large' ? ' (software: full-size modes skipped, a full Tiny forward takes minutes here)' : ''}`,
        'gpu ms: median wall time of encode() (pixel upload, all blocks, token read-back) on a device without timestamps; kernel ms: sum of the timestamp-query times of one run on a profiled device (a pass per kernel), whose wall time is profiled gpu ms.',
        'peak GPU MiB: buffer-pool high-water mark on a fresh device (weights + activations, power-of-two buckets: an upper bound); f16 = f16 storage, f32 arithmetic.',
        `torch ms: scripts/encoder-fixtures/bench_torch.py (same configuration, f32, TF32 off) in this run: ${typeof torch === 'string' ? `not run (${torch})` : `torch ${torch.torch} on ${torch.deviceName}`}.`,
        '<mode>-narrow: the mode\'s image size, depths, windows and global blocks with narrow widths (SAM 96, CLIP 128).',
      ],
      rows,
    },
  ];
}
