/**
 * Values are validated, not only the checksum: crafted files with a valid CRC32 but a NaN item,
 * an edge outside the features or an impossible header are rejected naming what is wrong; flat
 * vectors need their dimension; a disposed index (searches in flight included) rejects with
 * DisposedIndexError on both backends.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend, decodeIndex, DisposedIndexError, encodeIndex, EnergyIndex, IndexFormatError, InvalidParameterError, type IndexBackend } from '../src';
import { clusteredVectors } from './fixtures';
import { useGpu } from '@opticspace/gpu/testing';

const F = 16;
const corpus = clusteredVectors(31, 100, F, 5);

/** Re-encodes a saved index after `edit` changed its header or sections: the CRC32 is valid again. */
function recrafted(bytes: Uint8Array, edit: (header: Record<string, any>, sections: Map<string, Float32Array | Uint32Array>) => void): Uint8Array {
  const { header, sections } = decodeIndex(bytes);
  edit(header as Record<string, any>, sections);
  return encodeIndex(header, [...sections].map(([name, data]) => ({ name, data })));
}

describe('loading validates values behind a valid checksum', async () => {
  const bytes = (await EnergyIndex.build(corpus, { dimension: F, backend: 'cpu', projection: { enabled: true, eps: 0.9 } })).toBytes();
  const rejects = (crafted: Uint8Array, message: RegExp) => expect(EnergyIndex.fromBytes(crafted, { backend: 'cpu' })).rejects.toThrow(message);

  it('the untouched re-encoding loads (the crafting itself is sound)', async () => {
    expect((await EnergyIndex.fromBytes(recrafted(bytes, () => undefined), { backend: 'cpu' })).toBytes()).toEqual(bytes);
  });

  it('non-finite numbers name the section and the item', async () => {
    const f = decodeIndex(bytes).header.report as { projectedFeatures: number };
    await rejects(recrafted(bytes, (_, s) => ((s.get('vectors') as Float32Array)[37 * f.projectedFeatures + 2] = NaN)), /section 'vectors' holds NaN for item 37/);
    await rejects(recrafted(bytes, (_, s) => ((s.get('lambda') as Float32Array)[5] = Infinity)), /section 'lambda' holds Infinity for item 5/);
    await rejects(recrafted(bytes, (_, s) => ((s.get('norm') as Float32Array)[99] = -Infinity)), /section 'norm' holds -Infinity for item 99/);
    await rejects(recrafted(bytes, (_, s) => ((s.get('edgeWeight') as Float32Array)[0] = NaN)), /section 'edgeWeight' holds NaN for edge 0/);
    await rejects(recrafted(bytes, (_, s) => ((s.get('subCentroids') as Float32Array)[0] = NaN)), /section 'subCentroids' holds NaN for sub-centroid 0/);
    await expect(EnergyIndex.fromBytes(recrafted(bytes, (_, s) => ((s.get('quadratic') as Float32Array)[1] = NaN)))).rejects.toThrow(IndexFormatError);
  });

  it('edges outside the features, impossible counts, missing constants', async () => {
    await rejects(recrafted(bytes, (_, s) => ((s.get('edgeTarget') as Uint32Array)[3] = 10_000)), /edge 3 joins feature 10000, outside the \d+ stored features/);
    await rejects(recrafted(bytes, (h) => (h.report.items = -1)), /the item count is -1/);
    await rejects(recrafted(bytes, (h) => (h.report.projectedFeatures = 1.5)), /the projected dimension is 1\.5/);
    await rejects(recrafted(bytes, (h) => (h.tauMode.tau = null)), /taumode tau is null/);
    await rejects(recrafted(bytes, (h) => (h.report.projectionSeed = null)), /no projection but 16 input and \d+ stored features/);
    await rejects(recrafted(bytes, (h) => delete h.tauMode), /missing parameters, report or taumode/);
    await rejects(recrafted(bytes, (_, s) => s.delete('lambda')), /section 'lambda' is missing/);
  });
});

describe('build input', () => {
  it('a flat array needs its dimension (it used to build one item)', async () => {
    const error = await EnergyIndex.build(corpus, { backend: 'cpu' }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toMatch(/'dimension' must be given with a flat array of N\*F values/);
    await expect(EnergyIndex.build(Array.from(corpus.subarray(0, 64)), { backend: 'cpu' })).rejects.toThrow(InvalidParameterError);
    // Rows carry their own width.
    const rows = Array.from({ length: 100 }, (_, i) => corpus.subarray(i * F, (i + 1) * F));
    expect((await EnergyIndex.build(rows, { backend: 'cpu' })).size).toBe(100);
  });
});

/** Counts dispose() calls on the resident items the backend hands out. */
function countingBackend(backend: IndexBackend): { backend: IndexBackend; disposed: () => number } {
  let disposed = 0;
  const original = backend.residentItems.bind(backend);
  backend.residentItems = async (vectors) => {
    const resident = await original(vectors);
    const dispose = resident.dispose.bind(resident);
    resident.dispose = () => {
      disposed++;
      dispose();
    };
    return resident;
  };
  return { backend, disposed: () => disposed };
}

async function disposeDuringSearches(index: EnergyIndex, disposed: () => number): Promise<void> {
  const searches = Array.from({ length: 20 }, (_, i) => index.search(corpus.subarray(i * F, (i + 1) * F), { k: 5, method: (['cosine', 'energy', 'lambdaAware', 'hybrid'] as const)[i % 4] }));
  index.dispose();
  expect(disposed()).toBe(0); // still in use by the searches
  const results = await Promise.allSettled(searches);
  for (const result of results) {
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(DisposedIndexError);
  }
  expect(disposed()).toBe(1);
  await expect(index.search(corpus.subarray(0, F))).rejects.toThrow(DisposedIndexError);
  await expect(index.searchBatch(corpus.subarray(0, 2 * F))).rejects.toThrow(DisposedIndexError);
  await expect(index.querySignatures([corpus.subarray(0, F)])).rejects.toThrow(DisposedIndexError);
  expect(() => index.toBytes()).toThrow(DisposedIndexError);
  await expect(index.save('never.opsx')).rejects.toThrow(DisposedIndexError);
  index.dispose(); // twice is harmless
  expect(disposed()).toBe(1);
}

describe('dispose() with 20 searches in flight', () => {
  const gpu = useGpu('index dispose');

  it('CPU backend: every search rejects with DisposedIndexError, the items are freed once after the last', async () => {
    const { backend, disposed } = countingBackend(new CpuBackend());
    await disposeDuringSearches(await EnergyIndex.build(corpus, { dimension: F, computeBackend: backend }), disposed);
  });

  it('WebGPU backend: the same, and the GPU buffers are freed only after the searches end', async () => {
    const { GpuBackend } = await import('../src');
    const { backend, disposed } = countingBackend(new GpuBackend(gpu()));
    await disposeDuringSearches(await EnergyIndex.build(corpus, { dimension: F, computeBackend: backend }), disposed);
  });
});
