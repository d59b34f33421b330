import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseNpy, writeNpy } from '@opticspace/encoder';
import { run } from '../src/commands/encode';
import { relativeError } from '../../encoder/test/fixture';

// `opticspace encode` end to end on the reduced PyTorch fixture (--config selects its sizes).
describe('opticspace encode', () => {
  const fixture = join(__dirname, '..', '..', 'encoder', 'test', 'fixtures', 'grow-192');
  let directory = '';
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('writes tokens and the SAM / CLIP dumps matching PyTorch; accepts [1,3,S,S] pixels', async () => {
    directory = await mkdtemp(join(tmpdir(), 'encode-cli-'));
    const pixels = parseNpy(new Uint8Array(await readFile(join(fixture, 'pixels.npy'))));
    const batched = join(directory, 'pixels-batched.npy');
    await writeFile(batched, writeNpy(pixels.data, [1, ...pixels.shape]));
    const out = join(directory, 'tokens.npy');
    const sam = join(directory, 'sam.npy');
    const clip = join(directory, 'clip.npy');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const code = await run(['--weights', join(fixture, 'weights.bin'), '--pixels', batched, '--config', join(fixture, 'config.json'), '--out', out, '--dump-sam', sam, '--dump-clip', clip]);
    log.mockRestore();
    expect(code).toBe(0);
    for (const [file, expected] of [
      [out, 'tokens'],
      [sam, 'sam-features'],
      [clip, 'clip'],
    ]) {
      const actual = parseNpy(new Uint8Array(await readFile(file)));
      const reference = parseNpy(new Uint8Array(await readFile(join(fixture, `${expected}.npy`))));
      expect(actual.shape).toEqual(reference.shape);
      expect(relativeError(actual.data, reference.data)).toBeLessThan(1e-3);
    }
  });

  it('usage errors exit with 2 and name the problem', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await run(['--pixels', 'x.npy', '--out', 'y.npy'])).toBe(2);
    expect(error.mock.calls[0][0]).toContain('--weights is required');
    expect(await run(['--weights', 'w', '--pixels', 'p', '--out', 'o', '--mode', 'huge'])).toBe(2);
    expect(error.mock.calls[1][0]).toContain("--mode expects one of tiny, small, base, large, gundam, got 'huge'");
    error.mockRestore();
  });

  it('rejects pixels of the wrong size for the mode', async () => {
    await expect(run(['--weights', join(fixture, 'weights.bin'), '--pixels', join(fixture, 'pixels.npy'), '--mode', 'tiny', '--out', join(tmpdir(), 'never.npy')])).rejects.toThrow(
      /expected pixels \[3, 512, 512\] or \[1, 3, 512, 512\], got \[3, 192, 192\]/,
    );
  });
});
