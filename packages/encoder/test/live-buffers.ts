import type { GpuContext } from '@opticspace/gpu';

/**
 * Counts the pool buffers handed out and not returned (the pool's own stats include its cache)
 * until restore() is called.
 */
export function countLiveBuffers(ctx: GpuContext): { live: () => number; restore: () => void } {
  const pool = ctx.buffers;
  const acquire = pool.acquire.bind(pool);
  const release = pool.release.bind(pool);
  let live = 0;
  pool.acquire = (...args: Parameters<typeof pool.acquire>) => (live++, acquire(...args));
  pool.release = (buffer: GPUBuffer) => (live--, release(buffer));
  return { live: () => live, restore: () => ((pool.acquire = acquire), (pool.release = release)) };
}
