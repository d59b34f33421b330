/**
 * Reuses GPU buffers by (usage, size bucket), like tfjs-backend-webgpu's buffer manager.
 * Sizes round up to a power of two (min 256 bytes) so nearby sizes share buffers.
 */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private liveBytes = 0;
  private peak = 0;

  constructor(private readonly device: GPUDevice) {}

  static bucketSize(byteLength: number): number {
    let size = 256;
    while (size < byteLength) size *= 2;
    return size;
  }

  acquire(byteLength: number, usage: GPUBufferUsageFlags, label?: string): GPUBuffer {
    const size = BufferPool.bucketSize(Math.max(4, byteLength));
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
}
