import { describe, expect, it } from 'vitest';
import { runKernelChecks } from '@opticspace/gpu';
import { encoderKernelChecks, registerEncoderKernelChecks } from '../../src';
import { useGpu } from '@opticspace/gpu/testing';

describe('encoder kernel self-checks (shared registry)', () => {
  const gpu = useGpu('encoder selfcheck');
  const kernels = [...new Set(encoderKernelChecks.map((c) => c.kernel))];
  for (const dtype of ['f32', 'f16'] as const) {
    it(`every encoder check passes in ${dtype}`, async () => {
      registerEncoderKernelChecks();
      registerEncoderKernelChecks();
      const results = await runKernelChecks(gpu(), { dtype, only: kernels });
      expect(results.length).toBe(encoderKernelChecks.length);
      for (const result of results) expect(result.ok, `${result.kernel} ${result.caseName}: max abs ${result.maxAbsError}`).toBe(true);
    });
  }
});
