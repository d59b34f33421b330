import source from '@shaders/linalg/matmul.wgsl?raw';
import type { GpuContext } from '../device';
import { LimitExceededError, ShapeError } from '../errors';
import { linearWorkgroups } from '../dispatch';
import type { ComputeProgram } from '../program';
import { runKernel } from '../run';
import { shaderSource } from '../shader';
import { shapeToString, type Tensor } from '../tensor';

/** Output tile edge of shaders/linalg/matmul.wgsl (a 16x16 workgroup computes 64x64 outputs). */
const TILE = 64;

export interface MatmulOptions {
  /** a is stored [K, M] (or [B, K, M]) instead of [M, K]. */
  transposeA?: boolean;
  /** b is stored [N, K] (or [B, N, K]) instead of [K, N]. */
  transposeB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** [N], added to every output row after scaling. */
  bias?: Tensor;
  /** Destination [M, N] or [B, M, N]; a new tensor when absent. */
  out?: Tensor;
}

/** The problem a pair of operands describes: out[batch] = op(a) [M, K] @ op(b) [K, N]. */
export interface MatmulShape {
  batch: number;
  rows: number;
  inner: number;
  columns: number;
  batchStrideA: number;
  batchStrideB: number;
  outShape: number[];
}

/** Checks operand shapes and dtypes; names both shapes on a mismatch. */
export function matmulShape(a: Tensor, b: Tensor, options: MatmulOptions = {}): MatmulShape {
  const both = `a ${shapeToString(a.shape)}${options.transposeA ? ' (transposed)' : ''}, b ${shapeToString(b.shape)}${options.transposeB ? ' (transposed)' : ''}`;
  if (a.shape.length < 2 || a.shape.length > 3 || b.shape.length < 2 || b.shape.length > 3) {
    throw new ShapeError(`matmul: operands must be 2-D or 3-D, got ${both}`);
  }
  if (a.dtype !== b.dtype || (a.dtype !== 'f32' && a.dtype !== 'f16')) {
    throw new ShapeError(`matmul: needs two f32 or two f16 tensors, got a ${a.dtype}, b ${b.dtype}`);
  }
  const [aOuter, aInner] = a.shape.slice(-2);
  const [bOuter, bInner] = b.shape.slice(-2);
  const rows = options.transposeA ? aInner : aOuter;
  const innerA = options.transposeA ? aOuter : aInner;
  const innerB = options.transposeB ? bInner : bOuter;
  const columns = options.transposeB ? bOuter : bInner;
  if (innerA !== innerB) {
    throw new ShapeError(`matmul: inner dimensions differ (${innerA} vs ${innerB}): ${both}`);
  }
  const batchA = a.shape.length === 3 ? a.shape[0] : 0;
  const batchB = b.shape.length === 3 ? b.shape[0] : 0;
  if (batchA && batchB && batchA !== batchB) {
    throw new ShapeError(`matmul: batch sizes differ (${batchA} vs ${batchB}): ${both}`);
  }
  const batch = Math.max(batchA, batchB, 1);
  const outShape = batchA || batchB ? [batch, rows, columns] : [rows, columns];
  return {
    batch,
    rows,
    inner: innerA,
    columns,
    batchStrideA: batchA ? rows * innerA : 0,
    batchStrideB: batchB ? innerA * columns : 0,
    outShape,
  };
}

/** Program for out = alpha * op(a) @ op(b) (+ bias); `out` must have the product's shape and a's dtype. */
export function matmulProgram(ctx: GpuContext, a: Tensor, b: Tensor, out: Tensor, options: MatmulOptions = {}): ComputeProgram {
  const shape = matmulShape(a, b, options);
  if (out.dtype !== a.dtype || out.size !== shape.batch * shape.rows * shape.columns) {
    throw new ShapeError(
      `matmul: out must be ${a.dtype} ${shapeToString(shape.outShape)}, got ${out.dtype} ${shapeToString(out.shape)}`,
    );
  }
  const { bias } = options;
  if ([a, b, bias].some((input) => input?.buffer === out.buffer)) {
    throw new ShapeError('matmul: out must not share a buffer with a, b or bias');
  }
  if (bias && (bias.size !== shape.columns || bias.dtype !== a.dtype)) {
    throw new ShapeError(`matmul: bias must be ${a.dtype} [${shape.columns}], got ${bias.dtype} ${shapeToString(bias.shape)}`);
  }
  const tiles = Math.ceil(shape.columns / TILE) * Math.ceil(shape.rows / TILE);
  const [x, y] = linearWorkgroups(ctx, tiles, 1);
  const maxPerDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (shape.batch > maxPerDim) throw new LimitExceededError('matmul batch', shape.batch, maxPerDim, '(workgroups per dimension)');
  // Flag bits as in shaders/linalg/matmul.wgsl: 1 transposeA, 2 transposeB, 4 bias.
  const flags = (options.transposeA ? 1 : 0) | (options.transposeB ? 2 : 0) | (bias ? 4 : 0);
  return {
    name: `matmul_${a.dtype}`,
    source: shaderSource(source, { dtype: a.dtype as 'f32' | 'f16' }),
    // Without a bias the binding still exists; a (read-only) stands in for it.
    bindings: [a, b, bias ?? a, out],
    uniforms: [
      { u32: shape.rows },
      { u32: shape.inner },
      { u32: shape.columns },
      { u32: shape.batchStrideA },
      { u32: shape.batchStrideB },
      { f32: options.alpha ?? 1 },
      { u32: flags },
    ],
    workgroups: [x, y, shape.batch],
  };
}

/**
 * out = alpha * a @ b (+ bias[N] on every row). a is [M, K] or [B, M, K] ([K, M] / [B, K, M] with
 * transposeA); b is [K, N] or [B, K, N] ([N, K] / [B, N, K] with transposeB). A 2-D operand is
 * broadcast over the other's batch. f16 storage accumulates in f32.
 */
export async function matmul(ctx: GpuContext, a: Tensor, b: Tensor, options: MatmulOptions = {}): Promise<Tensor> {
  const output = options.out ?? { shape: matmulShape(a, b, options).outShape, dtype: a.dtype };
  return runKernel(ctx, output, (out) => matmulProgram(ctx, a, b, out, options));
}

export interface MatmulReferenceOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  alpha?: number;
  bias?: ArrayLike<number>;
  /** Number of stacked products (default 1); a 2-D-sized a or b is broadcast over it. */
  batch?: number;
}

/** Plain-TypeScript reference for matmul (double-precision accumulation). */
export function matmulReference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: number,
  K: number,
  N: number,
  options: MatmulReferenceOptions = {},
): Float32Array {
  const batch = options.batch ?? 1;
  const alpha = options.alpha ?? 1;
  const strideA = a.length === M * K ? 0 : M * K;
  const strideB = b.length === K * N ? 0 : K * N;
  if (a.length !== M * K * (strideA ? batch : 1) || b.length !== K * N * (strideB ? batch : 1)) {
    throw new ShapeError(`matmulReference: a has ${a.length} and b ${b.length} values for batch ${batch}, M ${M}, K ${K}, N ${N}`);
  }
  const out = new Float32Array(batch * M * N);
  for (let t = 0; t < batch; t++) {
    const baseA = t * strideA;
    const baseB = t * strideB;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const av = options.transposeA ? a[baseA + k * M + m] : a[baseA + m * K + k];
          const bv = options.transposeB ? b[baseB + n * K + k] : b[baseB + k * N + n];
          sum += av * bv;
        }
        out[t * M * N + m * N + n] = alpha * sum + (options.bias ? options.bias[n] : 0);
      }
    }
  }
  return out;
}
