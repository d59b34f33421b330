/**
 * Reuses GPU buffers by (usage, size bucket), like tfjs-backend-webgpu's buffer manager.
 * Sizes round up so nearby sizes share buffers: to a power of two below 1 MiB (min 256 bytes),
 * and to an eighth of the next power of two above it (at most 12.5 % slack on large tensors).
 * A bucket never passes the device's binding or buffer size limit: a request that fits a limit
 * always gets a buffer that fits it too.
 */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private liveBytes = 0;
  private peak = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly limits?: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>,
  ) {}

  /** The bucket for `byteLength`, capped at `limit` (the request itself must fit the limit). */
  static bucketSize(byteLength: number, limit = Infinity): number {
    let power = 256;
    while (power < byteLength) power *= 2;
    const bucket = power <= 2 ** 20 ? power : Math.ceil(byteLength / (power / 8)) * (power / 8);
    return bucket <= limit ? bucket : Math.ceil(byteLength / 4) * 4;
  }

  acquire(byteLength: number, usage: GPUBufferUsageFlags, label?: string): GPUBuffer {
    const size = BufferPool.bucketSize(Math.max(4, byteLength), this.limitFor(usage));
    const key = `${usage}:${size}`;
    const reused = this.free.get(key)?.pop();
    if (reused) return reused;
    const buffer = this.device.createBuffer({ size, usage, label });
    this.liveBytes += size;
    this.peak = Math.max(this.peak, this.liveBytes);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const key = `${buffer.usage}:${buffer.size}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buffer);
  }

  /** Bytes allocated by the pool (live plus cached), and the high-water mark. */
  get stats(): { allocatedBytes: number; peakBytes: number } {
    return { allocatedBytes: this.liveBytes, peakBytes: this.peak };
  }

  clear(): void {
    for (const list of this.free.values()) for (const buffer of list) buffer.destroy();
    this.free.clear();
    this.liveBytes = 0;
  }

  private limitFor(usage: GPUBufferUsageFlags): number {
    if (!this.limits) return Infinity;
    const storage = (usage & GPUBufferUsage.STORAGE) !== 0;
    return storage ? Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize) : this.limits.maxBufferSize;
  }
}
