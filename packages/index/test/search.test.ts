import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@opticspace/gpu';
import { EnergyIndex, GpuBackend, blocksFor, rowBlocks, rowEnergiesReference, uploadRows, type SearchHit, type SearchMethod } from '../src';
import { clusteredVectors, rowsOf } from './fixtures';
import { expectClose, useGpu } from '@opticspace/gpu/testing';

const N = 200;
const F = 32;
const corpus = clusteredVectors(21, N, F, 8);
const queries = rowsOf(clusteredVectors(22, 6, F, 8), F);
const weights = { lambda: 1, dispersion: 0.5, dirichlet: 0.25 };

/** Brute force straight from the definitions (docs/energy-index.md, "Search"): D(q - x) from the difference vector. */
async function bruteForce(index: EnergyIndex, query: Float32Array, method: Exclude<SearchMethod, 'hybrid'>, alpha: number): Promise<number[]> {
  const items = index.itemSignatures();
  const q = await index.querySignatures([query]);
  const vectors = rowsOf(corpus, F);
  const differences = new Float32Array(N * F);
  vectors.forEach((x, i) => x.forEach((v, f) => (differences[i * F + f] = query[f] - v)));
  const dirichlet = await rowEnergiesReference({ data: differences, rows: N, columns: F }, index.energyGraph);
  return vectors.map((x, i) => {
    let dot = 0;
    for (let f = 0; f < F; f++) dot += query[f] * x[f];
    const cos = dot / (q.norm[0] * items.norm[i]);
    if (method === 'cosine') return cos;
    if (method === 'lambdaAware') return alpha * cos + (1 - alpha) * (1 - Math.min(1, Math.abs(q.lambda[0] - items.lambda[i])));
    const d = dirichlet.quadratic[i];
    return (
      weights.lambda * Math.abs(q.lambda[0] - items.lambda[i]) + weights.dispersion * Math.abs(q.dispersion[0] - items.dispersion[i]) + weights.dirichlet * (d / (1 + d))
    );
  });
}

function expectTopK(hits: SearchHit[], reference: number[], k: number, descending: boolean, tolerance: number) {
  const sorted = [...reference].sort((a, b) => (descending ? b - a : a - b)).slice(0, k);
  expect(hits).toHaveLength(k);
  hits.forEach((hit, j) => {
    // Each hit's own reference score equals the j-th best score (near-ties may swap items).
    expect(Math.abs(reference[hit.index] - sorted[j])).toBeLessThan(tolerance);
    expect(Math.abs(hit.score - reference[hit.index])).toBeLessThan(tolerance);
  });
  expect(new Set(hits.map((h) => h.index)).size).toBe(k);
}

for (const backend of ['cpu', 'webgpu'] as const) {
  describe(`search modes vs brute force (${backend})`, () => {
    const gpu = useGpu(`index search ${backend}`);
    let index: EnergyIndex;

    it('builds', async () => {
      index = await EnergyIndex.build(corpus, { dimension: F, backend, gpu: gpu(), splitQuantile: 0.8 });
      expect(index.backend.kind).toBe(backend);
      expect(index.report.splits).toBeGreaterThan(0);
    });

    for (const method of ['cosine', 'lambdaAware', 'energy'] as const) {
      it(`${method} top-10 matches the brute-force ranking`, async () => {
        for (const query of queries) {
          const hits = await index.search(query, { k: 10, method, alpha: 0.7, weights });
          expectTopK(hits, await bruteForce(index, query, method, 0.7), 10, method !== 'energy', 2e-4);
        }
      });
    }

    it('hybrid re-ranks the cosine top-M by energy distance', async () => {
      const M = 20;
      for (const query of queries) {
        const hits = await index.search(query, { k: 5, method: 'hybrid', candidates: M, weights });
        const cosine = await bruteForce(index, query, 'cosine', 1);
        const energy = await bruteForce(index, query, 'energy', 1);
        const pool = cosine.map((_, i) => i).sort((a, b) => cosine[b] - cosine[a] || a - b).slice(0, M);
        const poolEnergy = energy.map((v, i) => (pool.includes(i) ? v : Infinity));
        expectTopK(hits, poolEnergy, 5, false, 2e-4);
      }
    });

    it('a batch gives the same hits as single queries, and energy and cosine differ', async () => {
      const batch = await index.search(queries, { k: 5, method: 'energy' });
      for (let b = 0; b < queries.length; b++) expect(batch[b]).toEqual(await index.search(queries[b], { k: 5, method: 'energy' }));
      const flat = new Float32Array(queries.length * F);
      queries.forEach((q, b) => flat.set(q, b * F));
      expect(await index.searchBatch(flat, { k: 5, method: 'energy' })).toEqual(batch);
      const cosine = await index.search(queries, { k: 10, method: 'cosine' });
      const energy = await index.search(queries, { k: 10, method: 'energy' });
      expect(cosine.map((h) => h.map((x) => x.index))).not.toEqual(energy.map((h) => h.map((x) => x.index)));
      for (const hits of [...cosine, ...energy]) for (const hit of hits) expect(Number.isFinite(hit.score)).toBe(true);
    });

    it('concurrent searches (sharing the readback buffers) give the sequential results', async () => {
      const sequential = [];
      for (const [j, query] of queries.entries()) sequential.push(await index.search(query, { k: 3 + j, method: j % 2 ? 'cosine' : 'energy' }));
      const concurrent = await Promise.all(queries.map((query, j) => index.search(query, { k: 3 + j, method: j % 2 ? 'cosine' : 'energy' })));
      expect(concurrent).toEqual(sequential);
    });

    it('an item queried against itself ranks first in every mode', async () => {
      for (const method of ['cosine', 'lambdaAware', 'energy', 'hybrid'] as const) {
        const hits = await index.search(corpus.slice(17 * F, 18 * F), { k: 1, method });
        expect(hits[0].index).toBe(17);
      }
    });

    it('k = N returns every item once', async () => {
      const hits = await index.search(queries[0], { k: N, method: 'cosine' });
      expect(new Set(hits.map((h) => h.index)).size).toBe(N);
    });

    it('a zero query gives finite scores (cosine 0)', async () => {
      for (const method of ['cosine', 'lambdaAware', 'energy', 'hybrid'] as const) {
        const hits = await index.search(new Float32Array(F), { k: 3, method });
        for (const hit of hits) expect(Number.isFinite(hit.score)).toBe(true);
      }
      const cosine = await index.search(new Float32Array(F), { k: 3, method: 'cosine' });
      expect(cosine.map((h) => h.index)).toEqual([0, 1, 2]);
      expect(cosine.every((h) => h.score === 0)).toBe(true);
    });

    it('disposes', () => {
      index.dispose();
      return expect(index.search(queries[0])).rejects.toThrow(/disposed/);
    });
  });
}

describe('large corpora in row blocks (WebGPU)', () => {
  const gpu = useGpu('index blocks');

  it('splits rows into blocks', () => {
    expect(rowBlocks(10, 4)).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(rowBlocks(8, 4)).toEqual([[0, 4], [4, 8]]);
    expect(blocksFor(1_000_000, 2 ** 31 - 4, 384 * 4)).toEqual([{ start: 0, rows: 1_000_000 }]);
    expect(blocksFor(4_000_000, 2 ** 31 - 4, 384 * 4).map((b) => b.rows)).toEqual([1_398_101, 1_398_101, 1_203_798]);
  });

  it('uploads a block of rows in chunks (bounded staging memory)', async () => {
    const matrix = { data: Float32Array.from({ length: 7 * 5 }, (_, i) => i), rows: 7, columns: 5 };
    const tensor = uploadRows(gpu(), matrix, { start: 2, rows: 4 }, 12);
    expect(Array.from((await tensor.read()) as Float32Array)).toEqual(Array.from(matrix.data.slice(10, 30)));
    tensor.dispose();
  });

  it('a corpus stored in 7 buffers and queries in 2 batches give the single-buffer results', async () => {
    // 4 KiB buffers: 32 rows of 32 floats per block, at most 5 queries per batch.
    const blocked = await EnergyIndex.build(corpus, { dimension: F, computeBackend: new GpuBackend(gpu(), { maxBufferBytes: 4096 }), splitQuantile: 0.8 });
    const whole = await EnergyIndex.build(corpus, { dimension: F, backend: 'webgpu', gpu: gpu(), splitQuantile: 0.8 });
    // The blocked build's k-means sample does not fit 4 KiB either, so it ran the TS Lloyd engine.
    expectClose(blocked.itemSignatures().lambda, whole.itemSignatures().lambda, 1e-5, 1e-5, 'lambda');
    for (const method of ['cosine', 'lambdaAware', 'energy', 'hybrid'] as const) {
      const a = await blocked.search(queries, { k: 10, method, weights });
      const b = await whole.search(queries, { k: 10, method, weights });
      expect(a.map((hits) => hits.map((h) => h.index))).toEqual(b.map((hits) => hits.map((h) => h.index)));
      a.flat().forEach((hit, j) => expect(hit.score).toBeCloseTo(b.flat()[j].score, 5));
    }
    blocked.dispose();
    whole.dispose();
  });
});

describe('every per-item buffer in row blocks: a device capped at 16 KiB per binding', () => {
  // WebGPU never grants limits below its defaults, so the device applies the caps itself: every
  // tensor (and the pool's buckets) must fit 16 KiB, or the build fails with LimitExceededError.
  const capped = useGpu('index capped limits', { capLimits: { maxStorageBufferBindingSize: 16 * 1024, maxBufferSize: 4 * 2 ** 20 } });
  const whole = useGpu('index whole limits');
  const items = 1500;
  const data = clusteredVectors(41, items, F, 12);
  const many = rowsOf(clusteredVectors(42, 40, F, 12), F);

  it('builds and searches like the unblocked device (128-row item blocks, 40 queries in several batches)', async () => {
    expect(capped().limits.maxStorageBufferBindingSize).toBe(16 * 1024);
    const options = { dimension: F, splitQuantile: 0.8, seed: 3 };
    // hostMaxWork 0: k-means, the feature graphs and diffusion on the GPU too, despite the small sizes.
    const blocked = await EnergyIndex.build(data, { ...options, computeBackend: new GpuBackend(capped(), { hostMaxWork: 0 }) });
    const reference = await EnergyIndex.build(data, { ...options, computeBackend: new GpuBackend(whole(), { hostMaxWork: 0 }) });
    expect(blocked.report.kmeansIterations).toBe(reference.report.kmeansIterations);
    expect(blocked.report.edges).toEqual(reference.report.edges);
    expectClose(blocked.itemSignatures().lambda, reference.itemSignatures().lambda, 1e-5, 1e-5, 'lambda');
    expectClose(blocked.itemSignatures().quadratic, reference.itemSignatures().quadratic, 1e-4, 1e-5, 'xLx');
    for (const method of ['cosine', 'lambdaAware', 'energy', 'hybrid'] as const) {
      for (const k of [1, 10, 300]) {
        const a = (await blocked.search(many, { k, method, weights })).flat();
        const b = (await reference.search(many, { k, method, weights })).flat();
        expect(a.map((hit) => hit.index)).toEqual(b.map((hit) => hit.index));
        expectClose(Float32Array.from(a, (hit) => hit.score), Float32Array.from(b, (hit) => hit.score), 1e-5, 1e-5, `${method} k=${k} scores`);
      }
    }
    // 1500 items of 32 floats in 16 KiB blocks, and their statistics, on the GPU.
    expect(blocked.residentBytes).toBe(items * (F + 4) * 4);
    blocked.dispose();
    reference.dispose();
  });
});

describe('k above the shared top-k limit (WebGPU select-top)', () => {
  const gpu = useGpu('index large k');

  it('k = 1050 of 1100 items matches the TS backend', async () => {
    const data = clusteredVectors(8, 1100, 8, 5);
    const options = { dimension: 8, graph: { eps: 2 } };
    const web = await EnergyIndex.build(data, { ...options, backend: 'webgpu', gpu: gpu() });
    const cpu = await EnergyIndex.build(data, { ...options, backend: 'cpu' });
    const query = clusteredVectors(9, 1, 8, 5);
    const a = await web.search(query, { k: 1050, method: 'cosine' });
    const b = await cpu.search(query, { k: 1050, method: 'cosine' });
    expect(new Set(a.map((h) => h.index)).size).toBe(1050);
    a.forEach((hit, j) => expect(hit.score).toBeCloseTo(b[j].score, 5));
    web.dispose();
  });
});

describe('classic pipeline', () => {
  it('uses the plain centroid graph (no diffusion, no splits) and serves lambdaAware', async () => {
    const index = await EnergyIndex.build(corpus, { dimension: F, backend: 'cpu', pipeline: 'classic', splitQuantile: 0.5 });
    expect(index.report.pipeline).toBe('classic');
    expect(index.report.steps).toBe(0);
    expect(index.report.splits).toBe(0);
    expect(index.report.edges.energy).toBe(index.report.edges.bootstrap);
    expect(index.report.subCentroids).toBe(index.report.clusters);
    const hits = await index.search(queries[0], { k: 5, method: 'lambdaAware' });
    expect(hits).toHaveLength(5);
    const energyIndex = await EnergyIndex.build(corpus, { dimension: F, backend: 'cpu' });
    expect(Array.from(index.itemSignatures().lambda)).not.toEqual(Array.from(energyIndex.itemSignatures().lambda));
  });
});

describe('projection and optical compression in a build', () => {
  it('projects items and queries with the same seeded matrix', async () => {
    const data = clusteredVectors(5, 150, 96, 6);
    const index = await EnergyIndex.build(data, { dimension: 96, backend: 'cpu', projection: { enabled: true, eps: 0.9 }, opticalTokens: 6 });
    expect(index.report.projectedFeatures).toBe(Math.min(48, Math.max(32, Math.ceil((8 * Math.log(12)) / 0.81))));
    expect(index.report.tokens).toBe(6);
    const hits = await index.search(data.slice(40 * 96, 41 * 96), { k: 1, method: 'cosine' });
    expect(hits[0].index).toBe(40);
    const loaded = await EnergyIndex.fromBytes(index.toBytes(), { backend: 'cpu' });
    const query = new SeededRandom(3).normalArray(96);
    expect(await loaded.search(query, { k: 5 })).toEqual(await index.search(query, { k: 5 }));
  });
});
