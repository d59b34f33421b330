import type { GpuContext } from './device';
import { LimitExceededError, ShapeError } from './errors';
import { fromFloat16Array, toFloat16Array } from './half';

export type DType = 'f32' | 'f16' | 'u32' | 'i32';

export const BYTES_PER_ELEMENT: Record<DType, number> = { f32: 4, f16: 2, u32: 4, i32: 4 };

export type TensorData = Float32Array | Uint32Array | Int32Array;

/** Usage flags of every tensor buffer. GPUBufferUsage is global only once WebGPU is loaded. */
export function storageUsage(): GPUBufferUsageFlags {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function shapeToString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A GPU-resident array: shape, dtype and a storage buffer (possibly larger than needed,
 * because buffers come from the pool). f16 tensors are uploaded from and read back to f32.
 */
export class Tensor {
  private disposed = false;

  constructor(
    readonly ctx: GpuContext,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly buffer: GPUBuffer,
  ) {}

  get size(): number {
    return elementCount(this.shape);
  }

  /** Bytes of data (the buffer may be larger); f16 data is padded to 4 bytes. */
  get byteLength(): number {
    return alignTo4(this.size * BYTES_PER_ELEMENT[this.dtype]);
  }

  /** Allocates an uninitialised tensor from the context's pool. */
  static empty(ctx: GpuContext, shape: readonly number[], dtype: DType = 'f32', label?: string): Tensor {
    for (const dim of shape) {
      if (!Number.isInteger(dim) || dim < 0) throw new ShapeError(`Invalid tensor shape ${shapeToString(shape)}`);
    }
    if (dtype === 'f16' && !ctx.features.shaderF16) {
      throw new ShapeError('f16 tensors need the shader-f16 feature; use f32 on this adapter.');
    }
    const bytes = alignTo4(elementCount(shape) * BYTES_PER_ELEMENT[dtype]);
    const limit = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    if (bytes > limit) {
      throw new LimitExceededError(
        `A ${dtype} tensor of shape ${shapeToString(shape)}`,
        bytes,
        limit,
        '(bytes, maxStorageBufferBindingSize) Split the work into chunks.',
      );
    }
    ctx.assertAlive();
    const buffer = ctx.buffers.acquire(bytes, storageUsage(), label);
    return new Tensor(ctx, shape, dtype, buffer);
  }

  /** Uploads data (f32 values for f32/f16 tensors, integers for u32/i32). */
  static from(ctx: GpuContext, data: ArrayLike<number>, shape: readonly number[], dtype: DType = 'f32'): Tensor {
    if (data.length !== elementCount(shape)) {
      throw new ShapeError(`Data has ${data.length} elements but shape ${shapeToString(shape)} needs ${elementCount(shape)}`);
    }
    const tensor = Tensor.empty(ctx, shape, dtype);
    tensor.write(data);
    return tensor;
  }

  write(data: ArrayLike<number>): void {
    if (data.length !== this.size) {
      throw new ShapeError(`Cannot write ${data.length} elements into a tensor of shape ${shapeToString(this.shape)}`);
    }
    this.writeAt(0, data);
  }

  /**
   * Uploads `data` into elements [offset, offset + data.length) (e.g. a checkpoint streamed in
   * chunks). Writes move whole 4-byte words, so an f16 write starts at an even element and has
   * an even length unless it ends the tensor.
   */
  writeAt(offset: number, data: ArrayLike<number>): void {
    const end = offset + data.length;
    if (!Number.isInteger(offset) || offset < 0 || end > this.size) {
      throw new ShapeError(`Cannot write ${data.length} elements at ${offset} into a tensor of shape ${shapeToString(this.shape)}`);
    }
    if (this.dtype === 'f16' && (offset % 2 !== 0 || (data.length % 2 !== 0 && end !== this.size))) {
      throw new ShapeError(`f16 writes must start at an even element and have an even length unless they end the tensor (offset ${offset}, length ${data.length})`);
    }
    const bytes = encode(data, this.dtype);
    this.ctx.device.queue.writeBuffer(this.buffer, offset * BYTES_PER_ELEMENT[this.dtype], bytes.buffer, bytes.byteOffset, alignTo4(bytes.byteLength));
  }

  /** Copies the tensor back to the CPU: Float32Array for f32/f16, Uint32Array/Int32Array otherwise. */
  async read(): Promise<TensorData> {
    const bytes = await readBuffer(this.ctx, this.buffer, this.byteLength);
    switch (this.dtype) {
      case 'f32':
        return new Float32Array(bytes, 0, this.size);
      case 'f16':
        return fromFloat16Array(new Uint16Array(bytes, 0, this.size));
      case 'u32':
        return new Uint32Array(bytes, 0, this.size);
      case 'i32':
        return new Int32Array(bytes, 0, this.size);
    }
  }

  async readFloat32(): Promise<Float32Array> {
    const data = await this.read();
    return data instanceof Float32Array ? data : Float32Array.from(data);
  }

  /** Same buffer, new shape with the same element count. */
  reshape(shape: readonly number[]): Tensor {
    if (elementCount(shape) !== this.size) {
      throw new ShapeError(`Cannot reshape ${shapeToString(this.shape)} to ${shapeToString(shape)}`);
    }
    return new Tensor(this.ctx, shape, this.dtype, this.buffer);
  }

  /** Returns the buffer to the pool. The tensor must not be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ctx.buffers.release(this.buffer);
  }
}

function alignTo4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

function encode(data: ArrayLike<number>, dtype: DType): Uint8Array {
  let typed: ArrayBufferView;
  switch (dtype) {
    case 'f32':
      typed = data instanceof Float32Array ? data : Float32Array.from(data);
      break;
    case 'f16': {
      const half = toFloat16Array(data);
      // writeBuffer sizes must be multiples of 4: pad odd lengths with one zero half.
      typed = half.length % 2 ? Uint16Array.from({ length: half.length + 1 }, (_, i) => half[i] ?? 0) : half;
      break;
    }
    case 'u32':
      typed = data instanceof Uint32Array ? data : Uint32Array.from(data);
      break;
    case 'i32':
      typed = data instanceof Int32Array ? data : Int32Array.from(data);
      break;
  }
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** Copies `byteLength` bytes of a storage buffer into a fresh ArrayBuffer. */
export async function readBuffer(ctx: GpuContext, buffer: GPUBuffer, byteLength: number): Promise<ArrayBuffer> {
  ctx.assertAlive();
  const size = alignTo4(byteLength);
  const staging = ctx.device.createBuffer({ size: Math.max(4, size), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = ctx.device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
  ctx.device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
  } catch (error) {
    staging.destroy();
    ctx.assertAlive();
    throw error;
  }
  const copy = staging.getMappedRange().slice(0, byteLength);
  staging.unmap();
  staging.destroy();
  return copy;
}
