/**
 * Seeded fuzzing of every file opticspace reads (test/support/fuzz.ts): bit flips, truncations,
 * splices and random bytes. Zero crashes (only typed OpticspaceErrors), zero hangs (every case
 * timed), and zero silent successes where the format checks the changed bytes (index file and
 * CLI bundle: every byte; PNG: every byte; .npy: its length; JPEG: its end marker).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SeededRandom } from '@opticspace/gpu';
import { documentText, formatCorpusJsonl, LexicalEmbedder, parseCorpusJsonl } from '@opticspace/eval';
import { EnergyIndex } from '@opticspace/index';
import { BytesWeightSource, encoderTensorShapes, loadEncoderWeights, NonFiniteWeightError, parseNpy, pixelsFromArray, readHeaderLength, SafetensorsReader, type EncoderConfig } from '@opticspace/encoder';
import { createNodeCanvasFactory, decodeImage } from '@opticspace/optical';
import { tinyDataset } from '../packages/eval/test/fixtures/tiny-dataset';
import { clusteredVectors } from '../packages/index/test/fixtures';
import { testImages } from '../packages/optical/test/test-images';
import { decodeIndexBundle, encodeIndexBundle } from '../packages/cli/src/saved-index';
import { reportCount } from './support/counts';
import { fuzz, type FuzzResult } from './support/fuzz';

const root = resolve(__dirname, '..');
const encoderFixture = join(root, 'packages/encoder/test/fixtures/grow-192');
/** A case taking this long counts as a hang. */
const CASE_BOUND_MS = 2000;

function expectClean(result: FuzzResult): void {
  expect(result.crashes, result.crashes.slice(0, 3).join('\n')).toEqual([]);
  expect(result.silent, result.silent.slice(0, 3).join('\n')).toEqual([]);
  expect(result.maxMs).toBeLessThan(CASE_BOUND_MS);
  expect(result.rejected + result.accepted).toBe(result.cases);
}

describe('fuzz: saved index and CLI bundle (every byte is checksummed)', () => {
  it('index files', async () => {
    const index = await EnergyIndex.build(clusteredVectors(41, 90, 12, 4), { dimension: 12, backend: 'cpu' });
    const result = await fuzz({ name: 'index file', source: index.toBytes(), cases: 5000, seed: 1, attempt: (bytes) => EnergyIndex.fromBytes(bytes, { backend: 'cpu' }), mustDetect: () => true });
    expectClean(result);
    expect(result.rejected).toBe(result.cases);
  });

  it('CLI bundles (index + embedder + documents)', async () => {
    const corpus = tinyDataset().corpus;
    const embedder = new LexicalEmbedder({ dims: 6, seed: 3 });
    embedder.fit(corpus.map(documentText));
    const index = await EnergyIndex.build(embedder.embedDocuments(corpus.map(documentText)), { dimension: 6, backend: 'cpu' });
    const source = encodeIndexBundle(index, embedder, corpus.map((d) => ({ id: d.id, title: d.title, snippet: d.text.slice(0, 40) })));
    const loaded = await decodeIndexBundle(source, 'bundle.osx', 'cpu');
    expect(loaded.documents).toHaveLength(corpus.length);
    const result = await fuzz({
      name: 'CLI bundle',
      source,
      cases: 5000,
      seed: 2,
      attempt: async (bytes) => (await decodeIndexBundle(bytes, 'bundle.osx', 'cpu')).index.dispose(),
      mustDetect: () => true,
    });
    expectClean(result);
    expect(result.rejected).toBe(result.cases);
  });
});

describe('fuzz: encoder inputs', () => {
  const weights = new Uint8Array(readFileSync(join(encoderFixture, 'weights.bin')));
  const config = JSON.parse(readFileSync(join(encoderFixture, 'config.json'), 'utf8')) as EncoderConfig;
  const load = async (bytes: Uint8Array) => loadEncoderWeights(await SafetensorsReader.open(new BytesWeightSource(bytes)), config);

  it('safetensors headers', async () => {
    const headerEnd = 8 + readHeaderLength(weights, weights.length);
    expectClean(await fuzz({ name: 'safetensors header', source: weights, cases: 3000, seed: 3, region: [0, headerEnd], attempt: load }));
  });

  it('NaN / Infinity written into tensor data is always found, with the tensor name', async () => {
    const reader = await SafetensorsReader.open(new BytesWeightSource(weights));
    const names = [...encoderTensorShapes(config).keys()];
    const random = new SeededRandom(4);
    let cases = 0;
    for (; cases < 300; cases++) {
      const name = names[random.int(names.length)];
      const info = reader.info(name);
      const bytes = weights.slice();
      const element = random.int((info.end - info.begin) / 4);
      new DataView(bytes.buffer).setFloat32(info.begin + 4 * element, [NaN, Infinity, -Infinity][cases % 3], true);
      const error = await load(bytes).catch((e) => e);
      expect(error).toBeInstanceOf(NonFiniteWeightError);
      expect(error.tensor).toBe(name);
    }
    reportCount('fuzz', 'non-finite values injected into safetensors tensors: cases', cases);
  });

  it('.npy headers and truncated .npy files', async () => {
    const pixels = new Uint8Array(readFileSync(join(encoderFixture, 'pixels.npy')));
    const headerEnd = 10 + new DataView(pixels.buffer, pixels.byteOffset).getUint16(8, true);
    const attempt = (bytes: Uint8Array) => pixelsFromArray(parseNpy(bytes), 192);
    expectClean(await fuzz({ name: '.npy header', source: pixels, cases: 1500, seed: 5, region: [0, headerEnd], kinds: ['bit-flip', 'splice', 'random-bytes'], attempt }));
    const truncated = await fuzz({ name: '.npy', source: pixels, cases: 500, seed: 6, kinds: ['truncation'], attempt, mustDetect: () => true });
    expectClean(truncated);
  });
});

describe('fuzz: images and corpus files', async () => {
  const { png, jpeg } = await testImages();
  const factory = await createNodeCanvasFactory();

  it('PNG (every byte up to IEND is checked: signature, chunk structure, CRC32)', async () => {
    expectClean(await fuzz({ name: 'PNG', source: png, cases: 3000, seed: 7, attempt: (bytes) => decodeImage(bytes, factory), mustDetect: () => true }));
  });

  it('JPEG (no checksum: truncations must be found, other damage may decode)', async () => {
    expectClean(await fuzz({ name: 'JPEG', source: jpeg, cases: 3000, seed: 8, attempt: (bytes) => decodeImage(bytes, factory), mustDetect: (m) => m.kind === 'truncation' }));
  });

  it('corpus JSONL', async () => {
    const text = new TextEncoder().encode(formatCorpusJsonl(tinyDataset().corpus));
    expectClean(await fuzz({ name: 'corpus JSONL', source: text, cases: 3000, seed: 9, attempt: (bytes) => parseCorpusJsonl(new TextDecoder().decode(bytes), 'corpus.jsonl') }));
  });
});
