import { CommandBatch, Tensor, type GpuContext } from '@opticspace/gpu';

/**
 * A mappable buffer kept across calls: a batch copies several results into it (each at its own
 * offset) and one map reads them all, so an operation ends with one readback.
 */
export class Readback {
  private target: Tensor | null = null;
  private parts: number[] = [];

  constructor(private readonly ctx: GpuContext) {}

  /** Adds copies of the first `bytes` of each tensor to the batch (multiples of 4). */
  record(batch: CommandBatch, parts: Array<{ tensor: Tensor; bytes: number }>): CommandBatch {
    const total = parts.reduce((sum, part) => sum + part.bytes, 0);
    if (!this.target || this.target.buffer.size < total) {
      this.target?.buffer.destroy();
      const size = Math.max(256, total);
      // Not a pool buffer: destroyed here, never disposed into the pool.
      this.target = new Tensor(this.ctx, [size / 4], 'u32', this.ctx.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    }
    let offset = 0;
    for (const { tensor, bytes } of parts) {
      batch.copy(tensor, this.target, bytes, { target: offset });
      offset += bytes;
    }
    this.parts = parts.map((part) => part.bytes);
    return batch;
  }

  /** After the batch's submit: the recorded parts' bytes (copies), with one map. */
  async read(): Promise<ArrayBuffer[]> {
    const total = this.parts.reduce((sum, bytes) => sum + bytes, 0);
    const buffer = this.target!.buffer;
    await buffer.mapAsync(GPUMapMode.READ, 0, total);
    try {
      const mapped = buffer.getMappedRange(0, total);
      let offset = 0;
      return this.parts.map((bytes) => mapped.slice(offset, (offset += bytes)));
    } finally {
      buffer.unmap();
    }
  }

  dispose(): void {
    this.target?.buffer.destroy();
    this.target = null;
  }
}
