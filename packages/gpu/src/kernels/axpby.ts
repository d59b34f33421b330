import source from '@shaders/elementwise/axpby.wgsl?raw';
import type { GpuContext } from '../device';
import { ShapeError } from '../errors';
import type { ComputeProgram } from '../program';
import { runKernel } from '../run';
import { flatDispatch, shaderSource } from '../shader';
import { shapeToString, type Tensor } from '../tensor';

/** Program for out = alpha * a + beta * b over tensors of equal shape and dtype. */
export function axpbyProgram(a: Tensor, b: Tensor, out: Tensor, alpha: number, beta: number): ComputeProgram {
  if (a.size !== b.size || a.size !== out.size) {
    throw new ShapeError(`axpby: shapes differ: a ${shapeToString(a.shape)}, b ${shapeToString(b.shape)}, out ${shapeToString(out.shape)}`);
  }
  if (a.dtype !== b.dtype || a.dtype !== out.dtype || (a.dtype !== 'f32' && a.dtype !== 'f16')) {
    throw new ShapeError(`axpby: needs matching f32 or f16 tensors, got ${a.dtype}, ${b.dtype}, ${out.dtype}`);
  }
  return {
    name: `axpby_${a.dtype}`,
    source: shaderSource(source, { dtype: a.dtype, entry: 'flat' }),
    bindings: [a, b, out],
    uniforms: [{ u32: a.size }, { f32: alpha }, { f32: beta }],
    ...flatDispatch(a.ctx, a.size),
  };
}

/** out = alpha * a + beta * b on the GPU (a new tensor). */
export async function axpby(ctx: GpuContext, a: Tensor, b: Tensor, alpha = 1, beta = 1): Promise<Tensor> {
  return runKernel(ctx, { shape: a.shape, dtype: a.dtype }, (out) => axpbyProgram(a, b, out, alpha, beta));
}

/** Element-wise add: a + b. */
export const add = (ctx: GpuContext, a: Tensor, b: Tensor) => axpby(ctx, a, b, 1, 1);

/** Scale: alpha * a. */
export const scale = (ctx: GpuContext, a: Tensor, alpha: number) => axpby(ctx, a, a, alpha, 0);

/** Plain-TypeScript reference for axpby. */
export function axpbyReference(a: ArrayLike<number>, b: ArrayLike<number>, alpha = 1, beta = 1): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = alpha * a[i] + beta * b[i];
  return out;
}
