import source from '@shaders/nn/softmax.wgsl?raw';
import reduceSource from '@shaders/nn/workgroup-reduce.wgsl?raw';
import type { GpuContext } from '../device';
import { ShapeError } from '../errors';
import { linearWorkgroups } from '../dispatch';
import type { ComputeProgram } from '../program';
import { runKernel } from '../run';
import { shaderSource } from '../shader';
import { shapeToString, type Tensor } from '../tensor';

/** Rows and row length of a [rows, n] (or [..., n]) f32/f16 tensor. */
export function rowsAndColumns(op: string, x: Tensor): { rows: number; columns: number } {
  if (x.shape.length < 1 || (x.dtype !== 'f32' && x.dtype !== 'f16')) {
    throw new ShapeError(`${op}: needs an f32 or f16 tensor [rows, n], got ${x.dtype} ${shapeToString(x.shape)}`);
  }
  const columns = x.shape[x.shape.length - 1];
  return { rows: columns === 0 ? 0 : x.size / columns, columns };
}

/** Program for row-wise softmax of x [rows, n] into out (same shape and dtype); one workgroup per row. */
export function softmaxProgram(ctx: GpuContext, x: Tensor, out: Tensor): ComputeProgram {
  const { rows, columns } = rowsAndColumns('softmax', x);
  if (out.size !== x.size || out.dtype !== x.dtype) {
    throw new ShapeError(`softmax: out must be ${x.dtype} ${shapeToString(x.shape)}, got ${out.dtype} ${shapeToString(out.shape)}`);
  }
  return {
    name: `softmax_${x.dtype}`,
    source: shaderSource(source, { dtype: x.dtype as 'f32' | 'f16', includes: [reduceSource], entry: 'row' }),
    bindings: [x, out],
    uniforms: [{ u32: rows }, { u32: columns }],
    workgroups: linearWorkgroups(ctx, rows, 1),
  };
}

/** Numerically stable softmax over the last axis (max subtracted first). */
export async function softmax(ctx: GpuContext, x: Tensor): Promise<Tensor> {
  return runKernel(ctx, { shape: x.shape, dtype: x.dtype }, (out) => softmaxProgram(ctx, x, out));
}

/** Plain-TypeScript reference for softmax over rows of length n. */
export function softmaxReference(x: ArrayLike<number>, rows: number, n: number): Float32Array {
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, x[r * n + i]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(x[r * n + i] - max);
    for (let i = 0; i < n; i++) out[r * n + i] = Math.exp(x[r * n + i] - max) / sum;
  }
  return out;
}
