import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileWeightSource, SafetensorsReader, loadEncoderWeights, parseNpy, type EncoderConfig } from '@opticspace/encoder';
import {
  createNodeCanvasFactory,
  decodeImage,
  encodePreparedImage,
  gundamTokenCount,
  prepareImage,
  referenceViewEncoder,
} from '@opticspace/optical';
import { run } from '../src/commands/encode';
import { relativeError } from '../../encoder/test/fixture';

// `opticspace encode --image PAGE --mode gundam` on the reduced PyTorch-fixture weights: the
// GPU tokens (local crops, global view, separator) must match the plain-TS reference pipeline.
describe('opticspace encode --image', () => {
  const fixture = join(__dirname, '..', '..', 'encoder', 'test', 'fixtures', 'grow-192');
  let directory = '';
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('encodes a 2:1 page in gundam mode (2 local crops + global view) like the reference', async () => {
    directory = await mkdtemp(join(tmpdir(), 'encode-image-'));
    const factory = await createNodeCanvasFactory();
    const { context } = factory.createCanvas(1280, 640);
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, 1280, 640);
    context.fillStyle = '#000000';
    context.font = '48px sans-serif';
    context.textBaseline = 'top';
    context.fillText('opticspace gundam crops', 40, 80);
    context.fillRect(900, 300, 200, 120);
    const rgba = context.getImageData(0, 0, 1280, 640);
    const png = await factory.encodePng({ width: 1280, height: 640, data: rgba.data });
    const imagePath = join(directory, 'page.png');
    await writeFile(imagePath, png);

    const out = join(directory, 'tokens.npy');
    const weightsPath = join(fixture, 'weights.bin');
    const configPath = join(fixture, 'config.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const code = await run(['--weights', weightsPath, '--image', imagePath, '--mode', 'gundam', '--config', configPath, '--out', out]);
    log.mockRestore();
    expect(code).toBe(0);

    const tokens = parseNpy(new Uint8Array(await readFile(out)));
    const config = JSON.parse(await readFile(configPath, 'utf8')) as EncoderConfig;
    expect(tokens.shape).toEqual([gundamTokenCount(1280, 640), config.projectorDim]);

    const source = await FileWeightSource.open(weightsPath);
    const weights = await loadEncoderWeights(await SafetensorsReader.open(source), config);
    await source.close();
    const prepared = prepareImage(await decodeImage(png), 'gundam');
    expect(prepared.crops.length).toBe(2);
    const reference = await encodePreparedImage(prepared, referenceViewEncoder(weights));
    expect(relativeError(tokens.data, reference.tokens)).toBeLessThan(1e-3);
  });

  it('rejects --mode gundam with --pixels, and both inputs at once', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await run(['--weights', 'w', '--pixels', 'p.npy', '--mode', 'gundam', '--out', 'o.npy'])).not.toBe(0);
    expect(await run(['--weights', 'w', '--pixels', 'p.npy', '--image', 'i.png', '--out', 'o.npy'])).not.toBe(0);
    error.mockRestore();
  });
});
