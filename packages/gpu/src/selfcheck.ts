/**
 * Kernel self-checks: every WGSL kernel against its TypeScript reference on seeded random and
 * edge-case inputs. Run by the Node test suite and, unchanged, by the browser check page
 * (demo/kernels.html) so e2e can compare Chromium's results with Node's.
 */
import type { GpuContext } from './device';
import { compareArrays } from './compare';
import { SeededRandom } from './random';
import { Tensor } from './tensor';
import { roundToFloat16 } from './half';
import { axpby, axpbyReference } from './kernels/axpby';

export interface KernelCheckResult {
  kernel: string;
  caseName: string;
  dtype: 'f32' | 'f16';
  maxAbsError: number;
  maxRelError: number;
  atol: number;
  rtol: number;
  ok: boolean;
  /** Sum of the GPU output: Node and browser runs of the same case must agree on it. */
  checksum: number;
}

export interface KernelCheck {
  kernel: string;
  caseName: string;
  /** Runs the GPU kernel and the TS reference; returns [gpu output, reference output, atol, rtol]. */
  run(ctx: GpuContext, dtype: 'f32' | 'f16'): Promise<{ actual: ArrayLike<number>; expected: ArrayLike<number>; atol: number; rtol: number }>;
}

/** Registry of checks; each kernel module's cases are listed here. */
export const kernelChecks: KernelCheck[] = [];

export function registerCheck(check: KernelCheck): void {
  kernelChecks.push(check);
}

// --- axpby ---
for (const n of [1, 257, 4099]) {
  registerCheck({
    kernel: 'axpby',
    caseName: `n=${n}`,
    async run(ctx, dtype) {
      const rng = new SeededRandom(1000 + n);
      const a = rng.uniformArray(n, -3, 3);
      const b = rng.uniformArray(n, -3, 3);
      const ta = Tensor.from(ctx, a, [n], dtype);
      const tb = Tensor.from(ctx, b, [n], dtype);
      const out = await axpby(ctx, ta, tb, 0.75, -1.25);
      const actual = await out.read();
      [ta, tb, out].forEach((t) => t.dispose());
      const round = dtype === 'f16' ? roundToFloat16 : (x: Float32Array) => x;
      const expected = round(axpbyReference(round(a), round(b), 0.75, -1.25));
      return { actual, expected, atol: dtype === 'f16' ? 1e-2 : 1e-5, rtol: dtype === 'f16' ? 2e-3 : 1e-6 };
    },
  });
}

/** Runs every registered check (optionally only kernels whose name is in `only`). */
export async function runKernelChecks(
  ctx: GpuContext,
  options: { dtype?: 'f32' | 'f16'; only?: string[] } = {},
): Promise<KernelCheckResult[]> {
  const dtype = options.dtype ?? 'f32';
  const results: KernelCheckResult[] = [];
  for (const check of kernelChecks) {
    if (options.only && !options.only.includes(check.kernel)) continue;
    const { actual, expected, atol, rtol } = await check.run(ctx, dtype);
    const closeness = compareArrays(actual, expected, atol, rtol);
    let checksum = 0;
    for (let i = 0; i < actual.length; i++) checksum += actual[i];
    results.push({
      kernel: check.kernel,
      caseName: check.caseName,
      dtype,
      maxAbsError: closeness.maxAbsError,
      maxRelError: closeness.maxRelError,
      atol,
      rtol,
      ok: closeness.ok,
      checksum,
    });
  }
  return results;
}
