import { describe, expect, it } from 'vitest';
import { EnergyIndex, GpuBackend, runsOnHost, type BuildProgress } from '../src';
import { clusteredVectors } from './fixtures';
import { expectClose, useGpu } from '@opticspace/gpu/testing';

const N = 200;
const F = 32;
const corpus = clusteredVectors(31, N, F, 6);
const options = { dimension: F, splitQuantile: 0.75, opticalTokens: 12, seed: 7 };

describe('build: determinism, report, GPU vs TS parity', () => {
  const gpu = useGpu('index build');

  it('repeated builds are identical (both backends)', async () => {
    for (const backend of ['cpu', 'webgpu'] as const) {
      const a = await EnergyIndex.build(corpus, { ...options, backend, gpu: gpu() });
      const b = await EnergyIndex.build(corpus, { ...options, backend, gpu: gpu() });
      const strip = (bytes: Uint8Array) => EnergyIndex.fromBytes(bytes, { backend: 'cpu' });
      // Everything but the timings is identical.
      const [ia, ib] = [await strip(a.toBytes()), await strip(b.toBytes())];
      expect({ ...ia.report, timings: null, totalMs: null }).toEqual({ ...ib.report, timings: null, totalMs: null });
      expect(Array.from(a.itemSignatures().lambda)).toEqual(Array.from(b.itemSignatures().lambda));
      expect(Array.from(a.energyGraph.edgeWeight)).toEqual(Array.from(b.energyGraph.edgeWeight));
      a.dispose();
      b.dispose();
    }
  });

  it('a different seed gives a different index', async () => {
    const a = await EnergyIndex.build(corpus, { ...options, backend: 'cpu' });
    const b = await EnergyIndex.build(corpus, { ...options, backend: 'cpu', seed: 8 });
    expect(Array.from(a.itemSignatures().lambda)).not.toEqual(Array.from(b.itemSignatures().lambda));
  });

  it('GPU and TS builds agree stage by stage (every stage on the GPU)', async () => {
    const cpu = await EnergyIndex.build(corpus, { ...options, backend: 'cpu' });
    // hostMaxWork 0: the small centroid stages run on the GPU too (by default they stay on the host).
    const web = await EnergyIndex.build(corpus, { ...options, computeBackend: new GpuBackend(gpu(), { hostMaxWork: 0 }) });
    const rc = cpu.report;
    const rw = web.report;
    for (const key of ['clusters', 'tokens', 'subCentroids', 'splits', 'projectedFeatures', 'kmeansIterations'] as const) expect(rw[key]).toBe(rc[key]);
    expect(rw.edges).toEqual(rc.edges);
    expect(rw.etaUsed).toBeCloseTo(rc.etaUsed, 12);
    expect(rw.tau).toBeCloseTo(rc.tau, 4);
    expect(Array.from(web.energyGraph.edgeSource)).toEqual(Array.from(cpu.energyGraph.edgeSource));
    expectClose(web.energyGraph.edgeWeight, cpu.energyGraph.edgeWeight, 1e-6, 1e-6, 'Le weights');
    const sc = cpu.itemSignatures();
    const sw = web.itemSignatures();
    expectClose(sw.lambda, sc.lambda, 1e-4, 1e-4, 'lambda');
    expectClose(sw.dispersion, sc.dispersion, 1e-5, 1e-4, 'G');
    expectClose(sw.quadratic, sc.quadratic, 1e-4, 1e-5, 'xLx');
    expectClose(sw.norm, sc.norm, 1e-5, 1e-5, 'norm');
    web.dispose();
  });

  it('sends small centroid stages to the host and large ones to the GPU', () => {
    expect(runsOnHost(2043 * 45 * 128)).toBe(true); // the demo's k-means
    expect(runsOnHost(16_384 * 316 * 384)).toBe(false); // k-means at 100K
    expect(runsOnHost(384 ** 2 * 316)).toBe(false); // profile cosines at 100K
    expect(runsOnHost(1, 0)).toBe(false);
  });

  it('reports every stage through onProgress and in report.timings', async () => {
    const seen: BuildProgress[] = [];
    const index = await EnergyIndex.build(corpus, { ...options, backend: 'cpu', onProgress: (p) => seen.push(p) });
    const stages = ['projection', 'clustering', 'opticalCompression', 'bootstrapGraph', 'diffusion', 'splitting', 'energyGraph', 'upload', 'signatures'];
    expect(seen.map((p) => p.stage)).toEqual(stages);
    expect(seen.map((p) => p.done)).toEqual(stages.map((_, i) => i + 1));
    expect(seen.every((p) => p.total === stages.length && p.ms >= 0)).toBe(true);
    const r = index.report;
    expect(Object.keys(r.timings)).toEqual(['input', ...stages]);
    expect(r.items).toBe(N);
    expect(r.features).toBe(F);
    expect(r.seed).toBe(7);
    expect(r.clusters).toBe(14);
    expect(r.tokens).toBe(12);
    expect(r.subCentroids).toBe(12 + 2 * r.splits);
    expect(r.etaUsed).toBeLessThanOrEqual(r.etaRequested);
    expect(r.edges.bootstrap).toBeGreaterThan(0);
    expect(r.backend).toBe('cpu');
    expect(r.degenerateItems).toEqual([]);
  });

  it('zero vectors are reported as degenerate and never give NaN', async () => {
    const data = corpus.slice();
    data.fill(0, 5 * F, 6 * F);
    data.fill(0, 50 * F, 51 * F);
    const index = await EnergyIndex.build(data, { ...options, backend: 'webgpu', gpu: gpu() });
    expect(index.report.degenerateItems).toEqual([5, 50]);
    const s = index.itemSignatures();
    for (const values of Object.values(s)) expect((values as Float32Array).every(Number.isFinite)).toBe(true);
    for (const method of ['cosine', 'lambdaAware', 'energy', 'hybrid'] as const) {
      const hits = await index.search(data.slice(5 * F, 6 * F), { k: N, method });
      expect(hits.every((h) => Number.isFinite(h.score))).toBe(true);
    }
    index.dispose();
  });

  it('an index saved from the TS backend loads on WebGPU and searches the same', async () => {
    const cpu = await EnergyIndex.build(corpus, { ...options, backend: 'cpu' });
    const web = await EnergyIndex.fromBytes(cpu.toBytes(), { backend: 'webgpu', gpu: gpu() });
    expect(web.backend.kind).toBe('webgpu');
    expect(web.report.backend).toBe('cpu');
    expect(web.toBytes()).toEqual(cpu.toBytes());
    for (const method of ['cosine', 'lambdaAware', 'energy', 'hybrid'] as const) {
      const a = await web.search(corpus.slice(3 * F, 4 * F), { k: 8, method });
      const b = await cpu.search(corpus.slice(3 * F, 4 * F), { k: 8, method });
      expect(a.map((h) => h.index)).toEqual(b.map((h) => h.index));
      a.forEach((hit, j) => expect(hit.score).toBeCloseTo(b[j].score, 5));
    }
    web.dispose();
  });

  it('builds from an array of rows the same as from the flat array', async () => {
    const rows = Array.from({ length: N }, (_, i) => Array.from(corpus.subarray(i * F, (i + 1) * F)));
    const a = await EnergyIndex.build(rows, { ...options, dimension: undefined, backend: 'cpu' });
    const b = await EnergyIndex.build(corpus, { ...options, backend: 'cpu' });
    expect(Array.from(a.itemSignatures().lambda)).toEqual(Array.from(b.itemSignatures().lambda));
  });

  it('tiny corpora (N = 1, 2) build and search', async () => {
    for (const n of [1, 2]) {
      const index = await EnergyIndex.build(corpus.slice(0, n * F), { dimension: F, backend: 'webgpu', gpu: gpu() });
      const hits = await index.search(corpus.slice(0, F), { k: n, method: 'energy' });
      expect(hits[0].index).toBe(0);
      index.dispose();
    }
  });
});
