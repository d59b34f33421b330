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
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevice, SeededRandom, type GpuContext } from '@opticspace/gpu';
import {
  DeepEncoderGpu,
  encodeReference,
  encoderConfigForMode,
  encoderGeometry,
  randomEncoderWeights,
  type EncoderConfig,
  RESOLUTION_MODE_NAMES,
  type ResolutionModeName,
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

/** Median PyTorch CPU forward time, or a reason it is missing. */
function torchMilliseconds(config: EncoderConfig, repeats: number): number | string {
  if (!existsSync(PYTHON)) return 'no /usr/bin/python3';
  const script = resolve(root, 'scripts/encoder-fixtures/bench_torch.py');
  const result = spawnSync(PYTHON, [script, JSON.stringify(config), String(repeats)], { encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) return `torch failed: ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`;
  return (JSON.parse(result.stdout.trim().split('\n').pop()!) as { ms: number }).ms;
}

async function benchConfig(name: string, config: EncoderConfig, dtype: 'f32' | 'f16', repeats: number, withReference: boolean, log: (m: string) => void): Promise<BenchRow> {
  const geometry = encoderGeometry(config);
  const weights = randomEncoderWeights(config, 7);
  const pixels = new SeededRandom(3).uniformArray(3 * config.imageSize * config.imageSize, -1, 1);
  // A fresh device per row so the pool's peak is this configuration's alone.
  const ctx = await createDevice({ profiling: true });
  try {
    const encoder = DeepEncoderGpu.create(ctx, weights, dtype);
    const weightBytes = ctx.buffers.stats.allocatedBytes;
    let kernelMs: number | null = null;
    log(`${name} ${dtype}: WebGPU forward x${repeats} (+1 warm-up)`);
    const gpuMs = await timeMedian(async () => {
      const result = await encoder.encode(pixels);
      if (result.timings.length) kernelMs = result.timings.reduce((sum, t) => sum + t.ms, 0);
    }, repeats, 1);
    const peakBytes = ctx.buffers.stats.peakBytes;
    encoder.dispose();
    const row: BenchRow = {
      config: name,
      image: `${config.imageSize}px`,
      tokens: geometry.tokenCount,
      dtype,
      'gpu ms': gpuMs,
      'kernel ms': kernelMs,
      'tokens/s': (geometry.tokenCount * 1000) / gpuMs,
      'weights MiB': weightBytes / 2 ** 20,
      'peak GPU MiB': peakBytes / 2 ** 20,
    };
    if (dtype === 'f32') {
      log(`${name}: PyTorch CPU`);
      const torchMs = torchMilliseconds(config, repeats);
      row['torch cpu ms'] = typeof torchMs === 'number' ? torchMs : null;
      if (typeof torchMs === 'number') row['torch/gpu'] = torchMs / gpuMs;
      else log(`${name}: ${torchMs}`);
      if (withReference) {
        log(`${name}: TS reference`);
        row['ts ms'] = await timeMedian(() => encodeReference(pixels, weights), 1, 0);
      }
    }
    return row;
  } finally {
    ctx.dispose();
  }
}

export default async function encoderBench({ gpu, quick, log }: BenchContext): Promise<BenchTable[]> {
  if (!gpu) return [{ title: 'DeepEncoder forward', notes: ['No WebGPU device: skipped.'], rows: [] }];
  const software = isSoftwareAdapter(gpu);
  const dtypes: Array<'f32' | 'f16'> = gpu.features.shaderF16 ? ['f32', 'f16'] : ['f32'];
  const runs: Array<{ name: string; config: EncoderConfig; repeats: number; reference: boolean }> = [{ name: 'reduced-256', config: REDUCED_256, repeats: 3, reference: true }];
  if (!quick) {
    const narrowModes: ResolutionModeName[] = software ? ['tiny', 'small'] : ['tiny', 'small', 'base', 'large'];
    for (const mode of narrowModes) runs.push({ name: `${mode}-narrow`, config: narrowConfig(mode), repeats: software ? 1 : 3, reference: false });
    if (!software) for (const mode of RESOLUTION_MODE_NAMES.filter((name) => name !== 'gundam')) runs.push({ name: mode, config: encoderConfigForMode(mode), repeats: 3, reference: false });
  }
  const rows: BenchRow[] = [];
  for (const run of runs) for (const dtype of dtypes) rows.push(await benchConfig(run.name, run.config, dtype, run.repeats, run.reference, log));
  return [
    {
      title: 'DeepEncoder forward (one global view): WebGPU vs PyTorch CPU vs TS reference',
      notes: [
        `adapter: ${gpu.adapterName}${software ? ' (software: full-size modes skipped, a full Tiny forward takes minutes here)' : ''}`,
        'gpu ms: median wall time of encode() (pixel upload, all blocks, token read-back); kernel ms: sum of timestamp-query times of the last run (per-pass timestamps; rough on llvmpipe).',
        'peak GPU MiB: buffer-pool high-water mark on a fresh device (weights + activations, power-of-two buckets: an upper bound); f16 = f16 storage, f32 arithmetic.',
        'torch cpu ms: scripts/encoder-fixtures/bench_torch.py (torch 1.13, CPU, same configuration) in this run.',
        '<mode>-narrow: the mode\'s image size, depths, windows and global blocks with narrow widths (SAM 96, CLIP 128).',
      ],
      rows,
    },
  ];
}
