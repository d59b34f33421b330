import { describe, expect, it } from 'vitest';
import { runKernelChecks } from '@opticspace/gpu';
import { indexKernelChecks, registerIndexKernelChecks } from '../src';
import { useGpu } from '@opticspace/gpu/testing';

describe('index kernel self-checks (shared registry, run by demo/kernels.html)', () => {
  const gpu = useGpu('index selfcheck');
  it('every index check passes', async () => {
    registerIndexKernelChecks();
    registerIndexKernelChecks();
    const kernels = [...new Set(indexKernelChecks.map((c) => c.kernel))];
    expect(kernels).toEqual(['index.products.matvec', 'index.products.gemm', 'index.score', 'index.blockedTopK', 'index.rowEnergies', 'index.kmeansSeeding', 'index.kmeansAssign', 'index.kmeansUpdate', 'index.kmeans']);
    const results = await runKernelChecks(gpu(), { dtype: 'f32', only: kernels });
    expect(results.length).toBe(indexKernelChecks.length);
    for (const result of results) expect(result.ok, `${result.kernel} ${result.caseName}: max abs ${result.maxAbsError}`).toBe(true);
  });
});
