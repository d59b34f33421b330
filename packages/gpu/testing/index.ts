import { afterAll, beforeAll, expect } from 'vitest';
/**
 * @opticspace/gpu/testing: the helpers every package's GPU tests share (not published).
 */
import { createDevice, compareArrays, roundToFloat16, type GpuContext, type GetDeviceOptions } from '../src';

/**
 * Gives a GPU test file its device. A missing adapter is a test failure, never a skip: the
 * GPU suites must actually run in CI. The adapter name is printed so logs show where each
 * suite ran (llvmpipe under Dawn in Node).
 */
export function useGpu(suite: string, options: GetDeviceOptions = {}): () => GpuContext {
  let ctx: GpuContext | null = null;
  beforeAll(async () => {
    ctx = await createDevice(options);
    console.info(`[gpu] ${suite}: adapter ${ctx.adapterName}; shader-f16=${ctx.features.shaderF16}`);
  });
  afterAll(() => {
    ctx?.dispose();
    ctx = null;
  });
  return () => {
    if (!ctx) throw new Error('GPU context not initialised');
    return ctx;
  };
}

/** Asserts closeness with a message naming the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, what = ''): void {
  const result = compareArrays(actual, expected, atol, rtol);
  const detail = result.worstIndex >= 0 ? ` at [${result.worstIndex}]: ${actual[result.worstIndex]} vs ${expected[result.worstIndex]}` : '';
  expect(result.ok, `${what} max abs error ${result.maxAbsError}${detail} (atol ${atol}, rtol ${rtol})`).toBe(true);
}

/** What an f16 tensor holds for these values (f32 values pass through). */
export const asStored = (dtype: 'f32' | 'f16', values: Float32Array): Float32Array => (dtype === 'f16' ? roundToFloat16(values) : values);
