import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, EnergyIndex, IndexFormatError } from '../src';
import { clusteredVectors } from './fixtures';

const F = 24;
const corpus = clusteredVectors(12, 120, F, 5);
const folder = mkdtempSync(join(tmpdir(), 'opticspace-index-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('save / load', () => {
  let index: EnergyIndex;
  let bytes: Uint8Array;

  it('builds', async () => {
    index = await EnergyIndex.build(corpus, { dimension: F, backend: 'cpu', splitQuantile: 0.8, projection: { enabled: true, eps: 0.9 } });
    bytes = index.toBytes();
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips bit-identically through bytes and gives the same search results', async () => {
    const loaded = await EnergyIndex.fromBytes(bytes, { backend: 'cpu' });
    expect(loaded.toBytes()).toEqual(bytes);
    expect(loaded.report).toEqual(index.report);
    expect(loaded.tauMode).toEqual(index.tauMode);
    for (const method of ['cosine', 'lambdaAware', 'energy', 'hybrid'] as const) {
      const query = corpus.slice(7 * F, 8 * F);
      expect(await loaded.search(query, { k: 7, method })).toEqual(await index.search(query, { k: 7, method }));
    }
  });

  it('saves to a Node path through a temporary file and loads back', async () => {
    const path = join(folder, 'index.opsx');
    await index.save(path);
    expect(readdirSync(folder)).toEqual(['index.opsx']);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    const loaded = await EnergyIndex.load(path, { backend: 'cpu' });
    expect(loaded.toBytes()).toEqual(bytes);
    // Overwriting keeps a complete file in place and leaves no temporary behind.
    await index.save(path);
    expect(readdirSync(folder)).toEqual(['index.opsx']);
  });

  it('a failed save leaves the previous file intact', async () => {
    const path = join(folder, 'keep.opsx');
    writeFileSync(path, 'previous');
    // A directory cannot be replaced by a file: the rename fails after the temp file is written.
    const dir = join(folder, 'dir.opsx');
    await import('node:fs').then((fs) => fs.mkdirSync(dir));
    await expect(index.save(dir)).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(folder).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('truncated data fails with a clear error', async () => {
    for (const length of [0, 10, 30, bytes.length - 1, bytes.length - 100]) {
      const error = await EnergyIndex.fromBytes(bytes.slice(0, length)).catch((e) => e);
      expect(error).toBeInstanceOf(IndexFormatError);
      expect(error.message).toMatch(/truncated|shorter|corrupted/);
    }
  });

  it('a flipped bit anywhere fails the checksum (or the header check)', async () => {
    for (const position of [20, 200, Math.floor(bytes.length / 2), bytes.length - 10]) {
      const corrupted = bytes.slice();
      corrupted[position] ^= 0x10;
      await expect(EnergyIndex.fromBytes(corrupted)).rejects.toThrow(IndexFormatError);
    }
    const corrupted = bytes.slice();
    corrupted[bytes.length - 10] ^= 1;
    await expect(EnergyIndex.fromBytes(corrupted)).rejects.toThrow(/checksum mismatch/);
  });

  it('wrong magic, unknown version, extra bytes', async () => {
    const wrong = bytes.slice();
    wrong[0] = 0x58;
    await expect(EnergyIndex.fromBytes(wrong)).rejects.toThrow(/Not an opticspace index: magic/);
    const version = bytes.slice();
    new DataView(version.buffer).setUint32(8, 99, true);
    await expect(EnergyIndex.fromBytes(version)).rejects.toThrow(/format version 99/);
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    await expect(EnergyIndex.fromBytes(longer)).rejects.toThrow(/longer than its header says/);
  });

  it('saves to and loads from a FileSystemFileHandle (browser / OPFS path)', async () => {
    let stored: Uint8Array | null = null;
    let aborted = false;
    const handle = (failWrite: boolean) =>
      ({
        async createWritable() {
          let pending: Uint8Array | null = null;
          return {
            async write(data: Uint8Array) {
              if (failWrite) throw new Error('disk full');
              pending = new Uint8Array(data);
            },
            async close() {
              stored = pending;
            },
            async abort() {
              aborted = true;
            },
          };
        },
        async getFile() {
          return { arrayBuffer: async () => stored!.slice().buffer };
        },
      }) as unknown as FileSystemFileHandle;
    await index.save(handle(false));
    expect(stored).toEqual(bytes);
    expect((await EnergyIndex.load(handle(false), { backend: 'cpu' })).toBytes()).toEqual(bytes);
    // A failed write aborts the stream: the committed file keeps the previous index.
    await expect(index.save(handle(true))).rejects.toThrow(/disk full/);
    expect(aborted).toBe(true);
    expect(stored).toEqual(bytes);
  });

  it('rejects targets and sources of the wrong kind', async () => {
    await expect(index.save(42 as unknown as string)).rejects.toThrow(/save target/);
    await expect(EnergyIndex.load({} as unknown as string)).rejects.toThrow(/load source/);
  });

  it('a missing file is an error, not a crash', async () => {
    await expect(EnergyIndex.load(join(folder, 'nope.opsx'))).rejects.toThrow(/ENOENT/);
  });
});
