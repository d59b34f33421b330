import { describe, expect, it } from 'vitest';
import {
  BufferPool,
  CommandBatch,
  GpuExecutionError,
  ShapeError,
  Tensor,
  axpby,
  axpbyProgram,
  axpbyReference,
  createDevice,
  flatDispatch,
  runKernel,
  runKernels,
  runOnArrays,
} from '../src';
import { useGpu } from '../testing';

// The one kernel runner (runKernels / runKernel / runOnArrays), the batch's single uniform
// buffer and compute pass, the bind-group cache, error scopes per operation and the pool's caps.
describe('kernel runner and per-call overhead', () => {
  const gpu = useGpu('runner');

  it('runKernels allocates outputs, runs every program in one submit and returns the outputs', async () => {
    const a = Tensor.from(gpu(), [1, 2, 3], [3]);
    const b = Tensor.from(gpu(), [10, 20, 30], [3]);
    const { sum, scaled } = await runKernels(gpu(), { sum: { shape: [3] }, scaled: { shape: [3] } }, (out) => [
      axpbyProgram(a, b, out.sum, 1, 1),
      axpbyProgram(out.sum, out.sum, out.scaled, 2, 0),
    ]);
    expect(Array.from(await sum.read())).toEqual([11, 22, 33]);
    expect(Array.from(await scaled.read())).toEqual([22, 44, 66]);
    [a, b, sum, scaled].forEach((t) => t.dispose());
  });

  it('frees the outputs it allocated when building or running fails, and never a caller tensor', async () => {
    const a = Tensor.from(gpu(), [1, 2], [2]);
    const callers = Tensor.empty(gpu(), [2]);
    const released: GPUBuffer[] = [];
    const pool = gpu().buffers;
    const original = pool.release.bind(pool);
    pool.release = (buffer: GPUBuffer) => {
      released.push(buffer);
      original(buffer);
    };
    try {
      let allocated: Tensor | null = null;
      await expect(
        runKernels(gpu(), { mine: { shape: [2] }, theirs: callers }, (out) => {
          allocated = out.mine;
          throw new ShapeError('build failed');
        }),
      ).rejects.toThrow(ShapeError);
      expect(released).toContain(allocated!.buffer);
      expect(released).not.toContain(callers.buffer);
      released.length = 0;
      // a bound read-only and read-write in one launch: a WebGPU validation error at submit.
      let failed: Tensor | null = null;
      await expect(
        runKernel(gpu(), { shape: [2] }, (out) => {
          failed = out;
          return axpbyProgram(a, a, a, 1, 1);
        }),
      ).rejects.toThrow(GpuExecutionError);
      expect(released).toContain(failed!.buffer);
    } finally {
      pool.release = original;
      a.dispose();
      callers.dispose();
    }
  });

  it('runOnArrays uploads host arrays, reads outputs back and frees everything', async () => {
    const before = gpu().buffers.stats.allocatedBytes;
    const a = Float32Array.from([1, -2, 3, 0.5]);
    const b = Float32Array.from([4, 5, -6, 2]);
    const { out } = await runOnArrays(gpu(), 'f32', { a, b }, { out: 4 }, (t) => axpbyProgram(t.a, t.b, t.out, 0.5, 2));
    expect(Array.from(out)).toEqual(Array.from(axpbyReference(a, b, 0.5, 2)));
    // Buffers went back to the pool (reused, not grown) on a second identical call.
    await runOnArrays(gpu(), 'f32', { a, b }, { out: 4 }, (t) => axpbyProgram(t.a, t.b, t.out, 0.5, 2));
    expect(gpu().buffers.stats.allocatedBytes - before).toBeLessThanOrEqual(4 * 256 + 256);
  });

  it('gives each launch of a batch its own uniform range in one buffer (300 launches, 300 parameter sets)', async () => {
    const n = 5;
    const x = Tensor.from(gpu(), [1, 1, 1, 1, 1], [n]);
    const buffers = [Tensor.empty(gpu(), [n]), Tensor.empty(gpu(), [n])];
    const batch = new CommandBatch(gpu()).dispatch(axpbyProgram(x, x, buffers[0], 1, 0));
    // buffers[i % 2] = 1 * buffers[(i + 1) % 2] + i * x: the running sum 0 + 1 + ... + 299 + 1.
    for (let i = 1; i < 300; i++) batch.dispatch(axpbyProgram(buffers[(i + 1) % 2], x, buffers[i % 2], 1, i));
    expect(batch.size).toBe(300);
    await batch.submit();
    expect(Array.from(await buffers[1].read())).toEqual(new Array(n).fill(1 + (299 * 300) / 2));
    [x, ...buffers].forEach((t) => t.dispose());
  });

  it('reuses bind groups when a launch repeats its buffers', async () => {
    const a = Tensor.from(gpu(), [1, 2, 3], [3]);
    const out = Tensor.empty(gpu(), [3]);
    const cache = gpu().bindGroups;
    await new CommandBatch(gpu()).dispatch(axpbyProgram(a, a, out, 1, 1)).submit();
    const misses = cache.misses;
    const hits = cache.hits;
    for (let i = 0; i < 3; i++) await new CommandBatch(gpu()).dispatch(axpbyProgram(a, a, out, 1, i)).submit();
    expect(cache.misses).toBe(misses);
    expect(cache.hits - hits).toBe(3);
    expect(Array.from(await out.read())).toEqual([3, 6, 9]);
    [a, out].forEach((t) => t.dispose());
  });

  it('pushes error scopes once per operation: nested checked() calls share the outer scopes', async () => {
    const ctx = await createDevice();
    try {
      let pushes = 0;
      const push = ctx.device.pushErrorScope.bind(ctx.device);
      ctx.device.pushErrorScope = (filter: GPUErrorFilter) => {
        pushes++;
        push(filter);
      };
      const a = Tensor.from(ctx, [1, 2, 3], [3]);
      await ctx.checked(async () => {
        for (let i = 0; i < 4; i++) (await axpby(ctx, a, a, 1, i)).dispose();
      });
      expect(pushes).toBe(2); // one validation and one out-of-memory scope
      // An error inside a nested call is still raised, by the outer operation.
      await expect(ctx.checked(() => runKernel(ctx, { shape: [3] }, () => axpbyProgram(a, a, a, 1, 1)))).rejects.toThrow(GpuExecutionError);
      a.dispose();
    } finally {
      ctx.dispose();
    }
  });

  it('reports errors of work that overlaps another operation', async () => {
    const ctx = await createDevice();
    try {
      const a = Tensor.from(ctx, [1, 2, 3], [3]);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const outer = ctx.checked(() => gate);
      // Starts while `outer` holds the scopes and fails after they were popped.
      const overlapping = ctx.checked(async () => {
        await gate;
        await new Promise((resolve) => setTimeout(resolve, 10));
        ctx.device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
      });
      release();
      await outer;
      await expect(overlapping).rejects.toThrow(GpuExecutionError);
      a.dispose();
    } finally {
      ctx.dispose();
    }
  });

  it('flat kernels fold grids past 65535 workgroups into x and y', async () => {
    const n = 65_535 * 64 + 77; // > 65535 workgroups of 64
    const { workgroups } = flatDispatch(gpu(), n, 64);
    expect(workgroups[1]).toBeGreaterThan(1);
    const a = new Float32Array(n).map((_, i) => i % 1000);
    const b = new Float32Array(n).fill(1);
    const { out } = await runOnArrays(gpu(), 'f32', { a, b }, { out: n }, (t) => ({ ...axpbyProgram(t.a, t.b, t.out, 1, 2), ...flatDispatch(gpu(), n, 64) }));
    expect(out[n - 1]).toBe(((n - 1) % 1000) + 2);
    expect(Array.from(out.subarray(n - 5))).toEqual(Array.from(a.subarray(n - 5), (v) => v + 2));
  });

  it('pool buckets never pass the binding and buffer limits', () => {
    expect(BufferPool.bucketSize(100)).toBe(256);
    expect(BufferPool.bucketSize(3000)).toBe(4096);
    // Above 1 MiB: eighths of the next power of two.
    expect(BufferPool.bucketSize(2 ** 20 + 1)).toBe(2 ** 20 + 2 ** 18);
    expect(BufferPool.bucketSize(1.5 * 2 ** 30)).toBe(1.5 * 2 ** 30);
    // The 1M x 384 f32 case: 1.43 GiB must not round up past a 2 GiB - 4 binding limit.
    const limit = 2 ** 31 - 4;
    expect(BufferPool.bucketSize(2 ** 31 - 100, limit)).toBeLessThanOrEqual(limit);
    expect(BufferPool.bucketSize(2 ** 31 - 100, limit)).toBeGreaterThanOrEqual(2 ** 31 - 100);
  });
});
