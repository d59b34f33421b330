/**
 * Energy index: build time and query throughput for N = 1,681, 10K (and 100K without --quick)
 * items of F = 384 (seeded Gaussian clusters), on WebGPU and on the TS reference backend in the
 * same run. Query rows: one query and batches of 64, energy and cosine modes, k = 10.
 * Target: the 1,681 x 384 energy build under 1 s.
 */
import { SeededRandom } from '@opticspace/gpu';
import { EnergyIndex, type SearchMethod } from '@opticspace/index';
import { timeMedian, type BenchContext, type BenchRow, type BenchTable } from './harness';

const FEATURES = 384;

function clustered(seed: number, items: number, clusters = 32): Float32Array {
  const rng = new SeededRandom(seed);
  const centres = rng.normalArray(clusters * FEATURES);
  const out = new Float32Array(items * FEATURES);
  for (let i = 0; i < items; i++) {
    const c = rng.int(clusters);
    for (let f = 0; f < FEATURES; f++) out[i * FEATURES + f] = centres[c * FEATURES + f] + 0.5 * rng.normal();
  }
  return out;
}

export default async function indexBench(ctx: BenchContext): Promise<BenchTable[]> {
  const sizes = ctx.quick ? [1_681, 10_000] : [1_681, 10_000, 100_000];
  const backends = ctx.gpu ? (['webgpu', 'cpu'] as const) : (['cpu'] as const);
  const buildRows: BenchRow[] = [];
  const queryRows: BenchRow[] = [];
  const queries = clustered(99, 64);
  if (ctx.gpu) {
    // Compile the pipelines once so the first timed build does not pay for it.
    const warm = await EnergyIndex.build(clustered(1, 300), { dimension: FEATURES, backend: 'webgpu', gpu: ctx.gpu });
    await warm.searchBatch(queries, { k: 10, method: 'energy' });
    await warm.searchBatch(queries.subarray(0, FEATURES), { k: 10, method: 'cosine' });
    warm.dispose();
  }
  for (const items of sizes) {
    const corpus = clustered(items, items);
    for (const backend of backends) {
      ctx.log(`build N=${items} on ${backend}`);
      const start = performance.now();
      const index = await EnergyIndex.build(corpus, { dimension: FEATURES, backend, gpu: ctx.gpu ?? undefined, seed: 7 });
      const buildMs = performance.now() - start;
      const r = index.report;
      const stages = Object.entries(r.timings)
        .filter(([, ms]) => (ms ?? 0) >= 0.05 * buildMs)
        .map(([name, ms]) => `${name} ${Math.round(ms ?? 0)}`)
        .join(', ');
      buildRows.push({ items, backend, 'build ms': buildMs, 'k-means iters': r.kmeansIterations, X: r.clusters, "X'": r.subCentroids, "F'": r.projectedFeatures, 'edges Le': r.edges.energy, 'main stages (ms)': stages });
      for (const method of ['energy', 'cosine'] as SearchMethod[]) {
        for (const batch of [1, 64]) {
          // The TS backend at 100K is too slow to repeat; one timed run there.
          const repeats = backend === 'cpu' && items >= 100_000 ? 1 : 5;
          const ms = await timeMedian(() => index.searchBatch(queries.subarray(0, batch * FEATURES), { k: 10, method }), repeats, 1);
          queryRows.push({ items, backend, method, batch, 'ms / batch': ms, QPS: (batch * 1000) / ms });
        }
      }
      index.dispose();
    }
  }
  const adapter = ctx.gpu?.adapterName ?? 'none';
  return [
    { title: 'index: energy build (F = 384, default parameters)', notes: [`adapter: ${adapter}`, 'TS = the plain-TypeScript reference backend (also the no-WebGPU fallback)'], rows: buildRows },
    { title: 'index: search (k = 10)', notes: [`adapter: ${adapter}`, 'QPS = queries per second; a batch is one query-products kernel ([Q; LQ] x X^T), one scoring kernel and one top-k, one submit and one readback'], rows: queryRows },
  ];
}
