import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encoderTensorShapes, writeSafetensors, type EncoderConfig } from '@opticspace/encoder';
import { SeededRandom } from '@opticspace/gpu';
import { run } from '../src/commands/compress-report';

const directory = mkdtempSync(join(tmpdir(), 'compress-report-'));
const textFile = join(directory, 'text.txt');
writeFileSync(textFile, 'the lift increase due to slipstream '.repeat(10).trim());

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await run(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('opticspace compress-report', () => {
  it('prints text, image and spatial metrics without weights', async () => {
    const { code, out } = await capture(['--text', textFile, '--mode', 'tiny', '--json', '--save-pages', directory]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.words).toBe(60);
    expect(report.spatial).toEqual({ patchesIn: 1024, contentTokensOut: 64, visionTokensOut: 73, ratio: 16 });
    expect(report.wordsPerVisionToken).toBeCloseTo(60 / 73, 12);
    expect(report.tokenEntropy).toBeUndefined();
    expect(existsSync(join(directory, 'page-1.png'))).toBe(true);
  });

  it('runs the (reduced) encoder with --weights and reports the token entropy', async () => {
    const config: EncoderConfig = {
      imageSize: 512,
      sam: { patchSize: 16, embedDim: 8, depth: 1, heads: 2, mlpDim: 8, windowSize: 4, globalBlocks: [0], nativeGrid: 8, neckChannels: 4, net2Channels: 4, net3Channels: 8, layerNormEps: 1e-6 },
      clip: { hidden: 8, depth: 1, heads: 2, mlpDim: 8, nativeGrid: 2, layerNormEps: 1e-5 },
      projectorDim: 4,
    };
    const random = new SeededRandom(5);
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [name, shape] of encoderTensorShapes(config)) tensors[name] = { shape, data: random.normalArray(shape.reduce((a, b) => a * b, 1), 0.2) };
    tensors['model.layers.0.unused'] = { shape: [16], data: random.normalArray(16) };
    const weightsFile = join(directory, 'reduced.safetensors');
    writeFileSync(weightsFile, writeSafetensors(tensors));
    const configFile = join(directory, 'config.json');
    writeFileSync(configFile, JSON.stringify(config));
    const { code, out } = await capture(['--text', textFile, '--mode', 'tiny', '--json', '--weights', weightsFile, '--encoder-config', configFile, '--device', 'cpu', '--bins', '16']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.tokenEntropy.bins).toBe(16);
    expect(report.tokenEntropy.symbols).toBe(73 * 4);
    expect(report.tokenEntropy.bitsPerSymbol).toBeGreaterThan(0);
    expect(report.tokenEntropy.bitsPerSymbol).toBeLessThanOrEqual(4);
  });

  it('exits 2 with a usage message for bad arguments', async () => {
    expect((await capture(['--mode', 'tiny'])).code).toBe(2);
    const bad = await capture(['--text', textFile, '--mode', 'huge']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--mode expects one of tiny, small, base, large, gundam, got 'huge'");
    expect((await capture(['--text', join(directory, 'missing.txt')])).err).toContain('cannot read --text file');
  });
});
