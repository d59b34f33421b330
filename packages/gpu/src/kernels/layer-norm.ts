import source from '@shaders/nn/layer-norm.wgsl?raw';
import reduceSource from '@shaders/nn/workgroup-reduce.wgsl?raw';
import type { GpuContext } from '../device';
import { InvalidInputError, ShapeError } from '../errors';
import { linearWorkgroups } from '../dispatch';
import type { ComputeProgram } from '../program';
import { runKernel } from '../run';
import { shaderSource } from '../shader';
import { shapeToString, type Tensor } from '../tensor';
import { rowsAndColumns } from './softmax';

/** Program for layer normalisation of x [rows, n] with gamma, beta [n] into out (x's shape and dtype). */
export function layerNormProgram(ctx: GpuContext, x: Tensor, gamma: Tensor, beta: Tensor, eps: number, out: Tensor): ComputeProgram {
  const { rows, columns } = rowsAndColumns('layerNorm', x);
  for (const [name, t] of [['gamma', gamma], ['beta', beta]] as const) {
    if (t.size !== columns || t.dtype !== x.dtype) {
      throw new ShapeError(`layerNorm: ${name} must be ${x.dtype} [${columns}], got ${t.dtype} ${shapeToString(t.shape)}`);
    }
  }
  if (out.size !== x.size || out.dtype !== x.dtype) {
    throw new ShapeError(`layerNorm: out must be ${x.dtype} ${shapeToString(x.shape)}, got ${out.dtype} ${shapeToString(out.shape)}`);
  }
  if (!Number.isFinite(eps) || eps < 0) throw new InvalidInputError(`layerNorm: eps must be a finite number >= 0, got ${eps}`);
  return {
    name: `layer_norm_${x.dtype}`,
    source: shaderSource(source, { dtype: x.dtype as 'f32' | 'f16', includes: [reduceSource], entry: 'row' }),
    bindings: [x, gamma, beta, out],
    uniforms: [{ u32: rows }, { u32: columns }, { f32: eps }],
    workgroups: linearWorkgroups(ctx, rows, 1),
  };
}

/** LayerNorm over the last axis, as torch.nn.LayerNorm (biased variance). */
export async function layerNorm(ctx: GpuContext, x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Promise<Tensor> {
  return runKernel(ctx, { shape: x.shape, dtype: x.dtype }, (out) => layerNormProgram(ctx, x, gamma, beta, eps, out));
}

/** Plain-TypeScript reference for layerNorm (double precision). */
export function layerNormReference(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  rows: number,
  n: number,
  eps: number,
): Float32Array {
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[r * n + i];
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (x[r * n + i] - mean) ** 2;
    variance /= n;
    const inverseStd = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < n; i++) out[r * n + i] = (x[r * n + i] - mean) * inverseStd * gamma[i] + beta[i];
  }
  return out;
}
