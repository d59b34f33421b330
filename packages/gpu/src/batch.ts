import type { GpuContext } from './device';
import { writeUniforms } from './dispatch';
import type { ComputeProgram } from './program';
import { Tensor } from './tensor';

export interface KernelTiming {
  name: string;
  /** GPU time measured by timestamp queries, in milliseconds. */
  ms: number;
}

/** A recorded step: a kernel launch, or a buffer copy that must run between launches. */
type Step =
  | { kind: 'dispatch'; program: ComputeProgram; uniformOffset: number; uniformBytes: number }
  | { kind: 'copy'; source: GPUBuffer; target: GPUBuffer; byteLength: number; sourceOffset: number; targetOffset: number };

/** Most launches timed in one submit when profiling (two timestamps each). */
const MAX_TIMED = 256;

/**
 * Records many kernel launches and submits them together: one command buffer, one uniform
 * buffer for every launch's parameters (each at an aligned offset), one compute pass between
 * copies. With profiling on (and timestamp-query present) each launch gets its own pass with
 * timestamps instead, and submit() resolves the per-kernel GPU times; that costs a pass per
 * launch, so benchmarks time wall clock with profiling off.
 *
 * Recording only builds the list of steps; bind groups and passes are encoded at submit, once
 * the uniform buffer exists.
 */
export class CommandBatch {
  private steps: Step[] = [];
  private uniformBytes = 0;

  constructor(readonly ctx: GpuContext) {
    ctx.assertAlive();
  }

  get size(): number {
    return this.steps.filter((step) => step.kind === 'dispatch').length;
  }

  dispatch(program: ComputeProgram): this {
    let uniformOffset = 0;
    let uniformBytes = 0;
    if (program.uniforms) {
      const alignment = this.ctx.limits.minUniformBufferOffsetAlignment;
      uniformOffset = Math.ceil(this.uniformBytes / alignment) * alignment;
      uniformBytes = packedUniformBytes(program.uniforms.length);
      this.uniformBytes = uniformOffset + uniformBytes;
    }
    this.steps.push({ kind: 'dispatch', program, uniformOffset, uniformBytes });
    return this;
  }

  /**
   * Adds a buffer copy in submission order (e.g. results into a mappable readback buffer);
   * offsets in bytes (multiples of 4) let several results share one readback buffer.
   */
  copy(
    source: Tensor,
    target: Tensor,
    byteLength = Math.min(source.byteLength, target.byteLength),
    offsets: { source?: number; target?: number } = {},
  ): this {
    this.steps.push({ kind: 'copy', source: source.buffer, target: target.buffer, byteLength, sourceOffset: offsets.source ?? 0, targetOffset: offsets.target ?? 0 });
    return this;
  }

  /** Submits everything recorded; resolves per-kernel timings when profiling. */
  async submit(): Promise<KernelTiming[]> {
    const { ctx } = this;
    const steps = this.steps;
    this.steps = [];
    const uniformBytes = this.uniformBytes;
    this.uniformBytes = 0;
    const uniforms = uniformBytes > 0 ? ctx.uniformBuffer(uniformBytes) : null;
    try {
      return await ctx.checked(async () => {
        if (uniforms) uploadUniforms(ctx, uniforms, steps, uniformBytes);
        const timer = ctx.profilingEnabled ? new PassTimer(ctx, steps) : null;
        ctx.device.queue.submit([encode(ctx, steps, uniforms, timer)]);
        if (!timer) return [];
        const timings = await timer.read();
        ctx.onKernelTimings?.(timings);
        return timings;
      });
    } finally {
      // Queue order makes reuse safe: a later batch's writeBuffer runs after this submit.
      if (uniforms) ctx.releaseUniformBuffer(uniforms);
    }
  }
}

/** Bytes of a packed uniform block of `fields` 4-byte values (16-byte multiple, as WGSL needs). */
function packedUniformBytes(fields: number): number {
  return Math.max(16, Math.ceil((fields * 4) / 16) * 16);
}

/** Every launch's parameters packed at its offset of one arena, uploaded with one write. */
function uploadUniforms(ctx: GpuContext, buffer: GPUBuffer, steps: Step[], byteLength: number): void {
  const arena = new ArrayBuffer(byteLength);
  const view = new DataView(arena);
  for (const step of steps) {
    if (step.kind === 'dispatch' && step.program.uniforms) writeUniforms(view, step.uniformOffset, step.program.uniforms);
  }
  ctx.device.queue.writeBuffer(buffer, 0, arena);
}

function encode(ctx: GpuContext, steps: Step[], uniforms: GPUBuffer | null, timer: PassTimer | null): GPUCommandBuffer {
  const encoder = ctx.device.createCommandEncoder();
  let pass: GPUComputePassEncoder | null = null;
  for (const step of steps) {
    if (step.kind === 'copy') {
      pass?.end();
      pass = null;
      encoder.copyBufferToBuffer(step.source, step.sourceOffset, step.target, step.targetOffset, step.byteLength);
      continue;
    }
    const { program } = step;
    const pipeline = ctx.pipelines.get(program);
    const buffers = program.bindings.map((b) => (b instanceof Tensor ? b.buffer : b));
    const uniform = uniforms && program.uniforms ? { buffer: uniforms, offset: step.uniformOffset, size: step.uniformBytes } : null;
    const bindGroup = ctx.bindGroups.get(pipeline, buffers, uniform);
    if (timer) {
      pass?.end();
      pass = encoder.beginComputePass(timer.passDescriptor(program.name));
    } else if (!pass) {
      pass = encoder.beginComputePass();
    }
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y = 1, z = 1] = program.workgroups;
    pass.dispatchWorkgroups(x, y, z);
    if (timer) {
      pass.end();
      pass = null;
    }
  }
  pass?.end();
  timer?.resolve(encoder);
  return encoder.finish();
}

/** Timestamp queries around each launch (the first MAX_TIMED of a batch). */
class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly names: string[] = [];
  private readBuffer: GPUBuffer | null = null;
  private resolveBuffer: GPUBuffer | null = null;

  constructor(
    private readonly ctx: GpuContext,
    steps: Step[],
  ) {
    const launches = Math.min(MAX_TIMED, steps.filter((step) => step.kind === 'dispatch').length);
    this.querySet = ctx.device.createQuerySet({ type: 'timestamp', count: Math.max(2, launches * 2) });
  }

  passDescriptor(name: string): GPUComputePassDescriptor {
    if (this.names.length >= MAX_TIMED) return {};
    const first = this.names.length * 2;
    this.names.push(name);
    return { timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: first, endOfPassWriteIndex: first + 1 } };
  }

  resolve(encoder: GPUCommandEncoder): void {
    if (this.names.length === 0) return;
    const bytes = this.names.length * 16;
    const { device } = this.ctx;
    this.resolveBuffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readBuffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, this.names.length * 2, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 0, bytes);
  }

  async read(): Promise<KernelTiming[]> {
    try {
      if (!this.readBuffer) return [];
      await this.readBuffer.mapAsync(GPUMapMode.READ);
      const stamps = new BigInt64Array(this.readBuffer.getMappedRange().slice(0));
      this.readBuffer.unmap();
      return this.names.map((name, i) => ({ name, ms: Number(stamps[2 * i + 1] - stamps[2 * i]) / 1e6 }));
    } finally {
      this.readBuffer?.destroy();
      this.resolveBuffer?.destroy();
      this.querySet.destroy();
    }
  }
}
