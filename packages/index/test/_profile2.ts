import { createDevice, SeededRandom, Tensor, CommandBatch, topkPlan } from '@opticspace/gpu';
import { queryProductsProgram, scoreProgram } from '../src';
const gpu = await createDevice({ profiling: true });
const F = 384;
for (const [n, b] of [[1681, 1], [10000, 1], [10000, 64]]) {
  const rng = new SeededRandom(1);
  const items = Tensor.from(gpu, rng.normalArray(n * F), [n, F]);
  const stats = Tensor.from(gpu, rng.uniformArray(n * 4, 0.1, 1), [n, 4]);
  const q = Tensor.from(gpu, rng.normalArray(2 * b * F), [2 * b, F]);
  const qs = Tensor.from(gpu, rng.uniformArray(b * 4, 0.1, 1), [b, 4]);
  const products = Tensor.empty(gpu, [2 * b, n]);
  const scores = Tensor.empty(gpu, [b, n]);
  for (let rep = 0; rep < 3; rep++) {
    const plan = topkPlan(gpu, scores, 10);
    const batch = new CommandBatch(gpu).dispatch(queryProductsProgram(gpu, q, items, products)).dispatch(scoreProgram(products, stats, qs, scores, 'energy', { alpha: 0.5, lambda: 1, dispersion: 0.5, dirichlet: 0.25 }));
    for (const p of plan.programs) batch.dispatch(p);
    const t = performance.now();
    const timings = await batch.submit();
    await plan.indices.read();
    console.log(n, b, 'wall', (performance.now() - t).toFixed(1), timings.map((x) => `${x.name} ${x.ms.toFixed(1)}`).join(', '));
    plan.dispose();
  }
}
gpu.dispose();
