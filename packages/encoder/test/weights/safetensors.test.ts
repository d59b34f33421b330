import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, SeededRandom, roundToFloat16 } from '@opticspace/gpu';
import {
  BlobWeightSource,
  BytesWeightSource,
  FileWeightSource,
  SafetensorsFormatError,
  SafetensorsReader,
  parseSafetensorsHeader,
  writeSafetensors,
  type WeightSource,
} from '../../src';

/** Builds a raw safetensors file from a header object and a data section. */
function rawFile(header: unknown, data: Uint8Array, headerLengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setUint32(0, headerLengthOverride ?? json.byteLength, true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

/** Records which byte ranges were requested. */
class RecordingSource implements WeightSource {
  readonly ranges: Array<[number, number]> = [];
  constructor(private readonly inner: BytesWeightSource) {}
  get size() {
    return this.inner.size;
  }
  readRange(begin: number, end: number) {
    this.ranges.push([begin, end]);
    return this.inner.readRange(begin, end);
  }
}

describe('parseSafetensorsHeader', () => {
  it('parses names, dtypes, shapes and absolute byte ranges', () => {
    const file = rawFile(
      { __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] }, b: { dtype: 'BF16', shape: [4], data_offsets: [24, 32] } },
      new Uint8Array(32),
    );
    const header = parseSafetensorsHeader(file, file.byteLength);
    const start = 8 + header.headerLength;
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.tensors.get('a')).toEqual({ dtype: 'F32', shape: [2, 3], begin: start, end: start + 24 });
    expect(header.tensors.get('b')).toEqual({ dtype: 'BF16', shape: [4], begin: start + 24, end: start + 32 });
    expect(header.tensors.size).toBe(2);
  });

  const bad: Array<[string, () => Uint8Array, RegExp]> = [
    ['fewer than 8 bytes', () => new Uint8Array(5), /at least 8 bytes/],
    ['a header length past the file end', () => rawFile({}, new Uint8Array(0), 1000), /runs past the end/],
    ['an absurd header length', () => rawFile({}, new Uint8Array(0), 0xffffffff), /exceeds/],
    ['non-JSON text', () => rawFile('{not json', new Uint8Array(0)), /not valid UTF-8 JSON/],
    ['a JSON array', () => rawFile('[1,2]', new Uint8Array(0)), /not an object/],
    ['an unknown dtype', () => rawFile({ a: { dtype: 'F12', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /unknown dtype "F12"/],
    ['a negative dimension', () => rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /invalid shape/],
    ['shape x dtype != byte range', () => rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes but data_offsets span 8/],
    ['a range outside the file (truncated)', () => rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /outside the 8-byte data section/],
    ['reversed offsets', () => rawFile({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, new Uint8Array(8)), /end before they begin/],
    [
      'overlapping tensors',
      () => rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)),
      /'b' bytes \[4, 12\) overlap 'a' \[0, 8\)/,
    ],
  ];
  for (const [what, make, message] of bad) {
    it(`rejects ${what}`, () => {
      const file = make();
      expect(() => parseSafetensorsHeader(file, file.byteLength)).toThrow(SafetensorsFormatError);
      expect(() => parseSafetensorsHeader(file, file.byteLength)).toThrow(message);
    });
  }
});

describe('SafetensorsReader', () => {
  const rng = new SeededRandom(11);
  const f32 = rng.normalArray(6);
  const f16 = rng.normalArray(5);
  const bf16 = rng.normalArray(7);
  const file = writeSafetensors({
    'x.f32': { shape: [2, 3], data: f32 },
    'x.f16': { shape: [5], data: f16, dtype: 'F16' },
    'x.bf16': { shape: [7, 1], data: bf16, dtype: 'BF16' },
  });
  let directory = '';
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('decodes F32, F16 and BF16 exactly and reads only the requested ranges', async () => {
    const source = new RecordingSource(new BytesWeightSource(file));
    const reader = await SafetensorsReader.open(source);
    expect(reader.names.sort()).toEqual(['x.bf16', 'x.f16', 'x.f32']);
    const headerReads = source.ranges.length;
    const a = await reader.readFloat32('x.f32');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual(Array.from(f32));
    expect(Array.from((await reader.readFloat32('x.f16')).data)).toEqual(Array.from(roundToFloat16(f16)));
    const b = (await reader.readFloat32('x.bf16')).data;
    for (let i = 0; i < bf16.length; i++) expect(Math.abs(b[i] - bf16[i])).toBeLessThanOrEqual(Math.abs(bf16[i]) * 2 ** -8);
    const info = reader.info('x.f16');
    expect(source.ranges.slice(headerReads)[1]).toEqual([info.begin, info.end]);
    expect(source.ranges.every(([begin, end]) => end - begin <= 8 + reader.header.headerLength || end - begin <= 28)).toBe(true);
  });

  it('reads from a Node file handle and a Blob the same values', async () => {
    directory = await mkdtemp(join(tmpdir(), 'encoder-st-'));
    const path = join(directory, 'w.bin');
    await writeFile(path, file);
    const fromFile = await SafetensorsReader.open(await FileWeightSource.open(path));
    const fromBlob = await SafetensorsReader.open(new BlobWeightSource(new Blob([new Uint8Array(file)])));
    for (const name of ['x.f32', 'x.f16', 'x.bf16']) {
      expect(Array.from((await fromFile.readFloat32(name)).data)).toEqual(Array.from((await fromBlob.readFloat32(name)).data));
    }
    await fromFile.source.close?.();
  });

  it('rejects a truncated file at open time', async () => {
    const truncated = file.subarray(0, file.byteLength - 3);
    await expect(SafetensorsReader.open(new BytesWeightSource(truncated))).rejects.toThrow(SafetensorsFormatError);
  });

  it('rejects out-of-file ranges and a missing file with InvalidInputError', async () => {
    await expect(new BytesWeightSource(file).readRange(0, file.byteLength + 1)).rejects.toThrow(InvalidInputError);
    await expect(FileWeightSource.open('/nonexistent/weights.bin')).rejects.toThrow(/cannot open weights file/);
  });

  it('rejects integer dtypes when reading floats', async () => {
    const ints = rawFile({ i: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
    const reader = await SafetensorsReader.open(new BytesWeightSource(ints));
    await expect(reader.readFloat32('i')).rejects.toThrow(/only F32, F16 and BF16/);
  });
});
