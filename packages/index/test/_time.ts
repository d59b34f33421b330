import { createDevice, SeededRandom } from '@opticspace/gpu';
import { EnergyIndex } from '../src';
const F = 384;
function clustered(seed: number, items: number, clusters = 32): Float32Array {
  const rng = new SeededRandom(seed);
  const centres = rng.normalArray(clusters * F);
  const out = new Float32Array(items * F);
  for (let i = 0; i < items; i++) { const c = rng.int(clusters); for (let f = 0; f < F; f++) out[i * F + f] = centres[c * F + f] + 0.5 * rng.normal(); }
  return out;
}
const gpu = await createDevice();
const data = clustered(1681, 1681);
for (let i = 0; i < 4; i++) {
  const t = performance.now();
  const index = await EnergyIndex.build(data, { dimension: F, backend: 'webgpu', gpu, seed: 7 });
  console.log('build', (performance.now() - t).toFixed(0), JSON.stringify(Object.fromEntries(Object.entries(index.report.timings).map(([k, v]) => [k, Math.round(v!)]))), 'iters', index.report.kmeansIterations);
  index.dispose();
}
gpu.dispose();
