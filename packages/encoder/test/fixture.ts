import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BytesWeightSource, SafetensorsReader, loadEncoderWeights, parseNpy, type EncoderConfig, type EncoderWeights, type NpyArray } from '../src';

export const FIXTURE_NAMES = ['shrink-256', 'grow-192'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export interface EncoderFixture {
  config: EncoderConfig;
  weightsBytes: Uint8Array;
  weights: EncoderWeights;
  pixels: Float32Array;
  expected: Record<'tokens' | 'sam-blocks' | 'neck' | 'sam-features' | 'clip', NpyArray>;
}

const directory = (name: string) => join(__dirname, 'fixtures', name);

/** Loads a fixture written by scripts/encoder-fixtures/make_fixtures.py (PyTorch). */
export async function loadFixture(name: FixtureName): Promise<EncoderFixture> {
  const read = (file: string) => new Uint8Array(readFileSync(join(directory(name), file)));
  const config = JSON.parse(readFileSync(join(directory(name), 'config.json'), 'utf8')) as EncoderConfig;
  const weightsBytes = read('weights.bin');
  const weights = await loadEncoderWeights(await SafetensorsReader.open(new BytesWeightSource(weightsBytes)), config);
  const npy = (file: string) => parseNpy(read(`${file}.npy`));
  return {
    config,
    weightsBytes,
    weights,
    pixels: npy('pixels').data,
    expected: { tokens: npy('tokens'), 'sam-blocks': npy('sam-blocks'), neck: npy('neck'), 'sam-features': npy('sam-features'), clip: npy('clip') },
  };
}

/** Max |a - b| / max|b| over the arrays (relative to the expected scale). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    const difference = Math.abs(actual[i] - expected[i]);
    worst = Number.isNaN(difference) ? Infinity : Math.max(worst, difference);
  }
  return worst / Math.max(scale, 1e-30);
}
