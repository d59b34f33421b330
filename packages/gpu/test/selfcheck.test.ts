import { describe, expect, it } from 'vitest';
import { runKernelChecks } from '../src';
import { useGpu } from '../testing';

// The same checks the browser page runs; e2e compares Chromium's checksums with these.
describe('kernel self-checks (shared with the browser page)', () => {
  const gpu = useGpu('selfcheck');
  for (const dtype of ['f32', 'f16'] as const) {
    it(`all kernels agree with their references (${dtype})`, async () => {
      const results = await runKernelChecks(gpu(), { dtype });
      expect(results.length).toBeGreaterThan(0);
      const failures = results.filter((r) => !r.ok);
      expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);
    });
  }
});
