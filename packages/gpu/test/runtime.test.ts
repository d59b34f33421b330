import { describe, expect, it } from 'vitest';
import {
  CommandBatch,
  DeviceLostError,
  GpuExecutionError,
  LimitExceededError,
  PipelineCache,
  ShapeError,
  Tensor,
  UnsupportedFeatureError,
  axpbyProgram,
  createDevice,
  resolveFloatStorage,
} from '../src';

// The runtime around the kernels: typed errors, the f16 -> f32 fallback, pipeline caching,
// buffer reuse and per-kernel timestamps.
describe('GPU runtime', () => {
  it('reports the adapter and the features in use', async () => {
    const ctx = await createDevice();
    try {
      console.info(`[gpu] runtime: adapter ${ctx.adapterName}`);
      expect(ctx.adapterName.length).toBeGreaterThan(0);
      expect(ctx.adapter.runtime).toBe('dawn-node');
      expect(ctx.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    } finally {
      ctx.dispose();
    }
  });

  it('falls back to f32 storage without shader-f16 and refuses explicit f16', async () => {
    const ctx = await createDevice({ disableF16: true });
    try {
      expect(ctx.features.shaderF16).toBe(false);
      expect(resolveFloatStorage(ctx, 'auto')).toBe('f32');
      expect(() => resolveFloatStorage(ctx, 'f16')).toThrow(UnsupportedFeatureError);
      expect(() => Tensor.empty(ctx, [4], 'f16')).toThrow(ShapeError);
    } finally {
      ctx.dispose();
    }
    const withF16 = await createDevice();
    try {
      expect(resolveFloatStorage(withF16, 'auto')).toBe(withF16.features.shaderF16 ? 'f16' : 'f32');
      expect(resolveFloatStorage(withF16, 'f32')).toBe('f32');
    } finally {
      withF16.dispose();
    }
  });

  it('raises LimitExceededError for a tensor larger than a storage binding', async () => {
    const ctx = await createDevice();
    try {
      const tooMany = Math.floor(ctx.limits.maxStorageBufferBindingSize / 4) + 1;
      expect(() => Tensor.empty(ctx, [tooMany])).toThrow(LimitExceededError);
      expect(() => Tensor.empty(ctx, [2, -1])).toThrow(ShapeError);
    } finally {
      ctx.dispose();
    }
  });

  it('raises DeviceLostError after the device is lost', async () => {
    const ctx = await createDevice();
    const tensor = Tensor.from(ctx, [1, 2, 3], [3]);
    ctx.device.destroy();
    await ctx.device.lost;
    expect(ctx.isLost).toBe(true);
    expect(() => Tensor.from(ctx, [1], [1])).toThrow(DeviceLostError);
    await expect(tensor.read()).rejects.toThrow(DeviceLostError);
    expect(() => new CommandBatch(ctx)).toThrow(DeviceLostError);
  });

  it('compiles each (source, constants) once and reuses pooled buffers', async () => {
    const ctx = await createDevice();
    try {
      const a = Tensor.from(ctx, [1, 2, 3], [3]);
      const out = Tensor.empty(ctx, [3]);
      const before = ctx.pipelines.compiled;
      const batch = new CommandBatch(ctx);
      for (let i = 0; i < 5; i++) batch.dispatch(axpbyProgram(a, a, out, 1, i));
      await batch.submit();
      expect(ctx.pipelines.compiled - before).toBe(1);
      expect(Array.from(await out.read())).toEqual([5, 10, 15]);
      const key = PipelineCache.variantOf({ constants: { B: 2, A: 1 } });
      expect(key).toBe(PipelineCache.variantOf({ constants: { A: 1, B: 2 } }));
      expect(key).not.toBe(PipelineCache.variantOf({ constants: { A: 1, B: 3 } }));
      expect(key).not.toBe(PipelineCache.variantOf({ entryPoint: 'other', constants: { A: 1, B: 2 } }));

      const buffer = out.buffer;
      out.dispose();
      const again = Tensor.empty(ctx, [3]);
      expect(again.buffer).toBe(buffer);
    } finally {
      ctx.dispose();
    }
  });

  it('turns WebGPU validation errors into GpuExecutionError', async () => {
    const ctx = await createDevice();
    try {
      const a = Tensor.from(ctx, [1, 2], [2]);
      // The same buffer bound read-only and read-write in one dispatch is invalid WebGPU.
      await expect(new CommandBatch(ctx).dispatch(axpbyProgram(a, a, a, 1, 1)).submit()).rejects.toThrow(GpuExecutionError);
    } finally {
      ctx.dispose();
    }
  });

  it('times each kernel with timestamp queries when profiling', async () => {
    const ctx = await createDevice({ profiling: true });
    try {
      expect(ctx.profilingEnabled).toBe(ctx.features.timestampQuery);
      const a = Tensor.from(ctx, new Float32Array(4096).fill(1), [4096]);
      const out = Tensor.empty(ctx, [4096]);
      const out2 = Tensor.empty(ctx, [4096]);
      const timings = await new CommandBatch(ctx).dispatch(axpbyProgram(a, a, out, 2, 0)).dispatch(axpbyProgram(out, a, out2, 1, 1)).submit();
      expect((await out2.read())[4095]).toBe(3);
      if (ctx.features.timestampQuery) {
        expect(timings.map((t) => t.name)).toEqual(['axpby_f32', 'axpby_f32']);
        for (const t of timings) expect(t.ms).toBeGreaterThanOrEqual(0);
      } else {
        expect(timings).toEqual([]);
      }
    } finally {
      ctx.dispose();
    }
  });
});
