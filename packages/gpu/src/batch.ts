import type { GpuContext } from './device';
import { packUniforms } from './dispatch';
import type { ComputeProgram } from './program';
import { Tensor } from './tensor';

export interface KernelTiming {
  name: string;
  /** GPU time measured by timestamp queries, in milliseconds. */
  ms: number;
}

/**
 * Records many kernel launches into one command encoder and submits them together.
 * With profiling on (and timestamp-query present) each launch gets its own compute pass with
 * timestamps, and submit() resolves the per-kernel GPU times.
 */
export class CommandBatch {
  private encoder: GPUCommandEncoder;
  private readonly uniformBuffers: GPUBuffer[] = [];
  private readonly names: string[] = [];
  private readonly querySet: GPUQuerySet | null = null;
  private readonly maxTimed = 256;
  private dispatches = 0;

  constructor(readonly ctx: GpuContext) {
    ctx.assertAlive();
    this.encoder = ctx.device.createCommandEncoder();
    if (ctx.profilingEnabled) {
      this.querySet = ctx.device.createQuerySet({ type: 'timestamp', count: this.maxTimed * 2 });
    }
  }

  get size(): number {
    return this.dispatches;
  }

  dispatch(program: ComputeProgram): this {
    const { device } = this.ctx;
    const pipeline = this.ctx.pipelines.get(program);
    const entries: GPUBindGroupEntry[] = program.bindings.map((b, i) => ({
      binding: i,
      resource: { buffer: b instanceof Tensor ? b.buffer : b },
    }));
    if (program.uniforms) {
      const data = packUniforms(program.uniforms);
      const buffer = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, data);
      this.uniformBuffers.push(buffer);
      entries.push({ binding: entries.length, resource: { buffer } });
    }
    const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const timed = this.querySet && this.names.length < this.maxTimed;
    const pass = this.encoder.beginComputePass(
      timed
        ? {
            timestampWrites: {
              querySet: this.querySet!,
              beginningOfPassWriteIndex: this.names.length * 2,
              endOfPassWriteIndex: this.names.length * 2 + 1,
            },
          }
        : {},
    );
    if (timed) this.names.push(program.name);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y = 1, z = 1] = program.workgroups;
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
    this.dispatches++;
    return this;
  }

  /** Adds a buffer copy in submission order (e.g. ping-pong results). */
  copy(source: Tensor, target: Tensor, byteLength = Math.min(source.byteLength, target.byteLength)): this {
    this.encoder.copyBufferToBuffer(source.buffer, 0, target.buffer, 0, byteLength);
    return this;
  }

  /** Submits everything recorded; resolves per-kernel timings when profiling. */
  async submit(): Promise<KernelTiming[]> {
    const { device } = this.ctx;
    let resolveBuffer: GPUBuffer | null = null;
    let readBuffer: GPUBuffer | null = null;
    if (this.querySet && this.names.length) {
      const bytes = this.names.length * 16;
      resolveBuffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      readBuffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      this.encoder.resolveQuerySet(this.querySet, 0, this.names.length * 2, resolveBuffer, 0);
      this.encoder.copyBufferToBuffer(resolveBuffer, 0, readBuffer, 0, bytes);
    }
    await this.ctx.checked(() => device.queue.submit([this.encoder.finish()]));
    for (const buffer of this.uniformBuffers) buffer.destroy();
    this.uniformBuffers.length = 0;
    this.encoder = device.createCommandEncoder();
    if (!readBuffer) return [];
    await readBuffer.mapAsync(GPUMapMode.READ);
    const stamps = new BigInt64Array(readBuffer.getMappedRange().slice(0));
    readBuffer.unmap();
    readBuffer.destroy();
    resolveBuffer!.destroy();
    const timings = this.names.map((name, i) => ({ name, ms: Number(stamps[2 * i + 1] - stamps[2 * i]) / 1e6 }));
    this.names.length = 0;
    return timings;
  }
}

/** Runs one program immediately (a batch of one). */
export async function runProgram(ctx: GpuContext, program: ComputeProgram): Promise<KernelTiming[]> {
  return new CommandBatch(ctx).dispatch(program).submit();
}
