import { createDevice, SeededRandom } from '@opticspace/gpu';
import { kmeans, kmeansPlusPlus, GpuBackend, CpuBackend, EnergyIndex } from '../src';
const F = 384;
function clustered(seed: number, items: number, clusters = 32): Float32Array {
  const rng = new SeededRandom(seed);
  const centres = rng.normalArray(clusters * F);
  const out = new Float32Array(items * F);
  for (let i = 0; i < items; i++) { const c = rng.int(clusters); for (let f = 0; f < F; f++) out[i * F + f] = centres[c * F + f] + 0.5 * rng.normal(); }
  return out;
}
const gpu = await createDevice({ profiling: true });
const n = Number(process.argv[2] ?? 1681);
const points = { data: clustered(n, n), rows: n, columns: F };
const K = Math.round(Math.sqrt(n));
let t = performance.now();
kmeansPlusPlus(points, K, new SeededRandom(1));
console.log('seeding', performance.now() - t);
for (const backend of [new GpuBackend(gpu), new CpuBackend()]) {
  t = performance.now();
  const r = await kmeans(points, K, { seed: 1, iterations: 25, sampleSize: 16384, assigner: backend.assigner });
  console.log(backend.kind, 'kmeans', performance.now() - t, 'iterations', r.iterations);
  const c = r.centroids;
  t = performance.now();
  const a = backend.assigner(points); for (let i = 0; i < 5; i++) await a.assign(c); a.dispose();
  console.log(backend.kind, 'assign x5', performance.now() - t);
}
gpu.dispose();
