import source from '@shaders/linalg/matmul.wgsl?raw';
import geluMath from '@shaders/nn/gelu-math.wgsl?raw';
import type { GpuContext } from '../device';
import { LimitExceededError, ShapeError } from '../errors';
import { linearWorkgroups } from '../dispatch';
import type { ComputeProgram } from '../program';
import { runKernel } from '../run';
import { shaderSource } from '../shader';
import { shapeToString, type Tensor } from '../tensor';
import { geluValue, quickGeluValue } from './gelu';

export interface MatmulOptions {
  /** a is stored [K, M] (or [B, K, M]) instead of [M, K]. */
  transposeA?: boolean;
  /** b is stored [N, K] (or [B, N, K]) instead of [K, N]. */
  transposeB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** [N], added to every output row after scaling. */
  bias?: Tensor;
  /** Applied element-wise after the bias (fused: saves a launch and a pass over the output). */
  activation?: 'gelu' | 'quickGelu';
  /** Same shape as the output, added last (a transformer's skip connection). */
  residual?: Tensor;
  /** Destination [M, N] or [B, M, N]; a new tensor when absent. */
  out?: Tensor;
  /** Force a tile variant (tests, benchmarks); by default matmulTileFor picks it from the shape. */
  tile?: MatmulTile;
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
  // Built only on a mismatch: matmulShape runs on every launch of a forward pass.
  const both = () => `a ${shapeToString(a.shape)}${options.transposeA ? ' (transposed)' : ''}, b ${shapeToString(b.shape)}${options.transposeB ? ' (transposed)' : ''}`;
  if (a.shape.length < 2 || a.shape.length > 3 || b.shape.length < 2 || b.shape.length > 3) {
    throw new ShapeError(`matmul: operands must be 2-D or 3-D, got ${both()}`);
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
    throw new ShapeError(`matmul: inner dimensions differ (${innerA} vs ${innerB}): ${both()}`);
  }
  const batchA = a.shape.length === 3 ? a.shape[0] : 0;
  const batchB = b.shape.length === 3 ? b.shape[0] : 0;
  if (batchA && batchB && batchA !== batchB) {
    throw new ShapeError(`matmul: batch sizes differ (${batchA} vs ${batchB}): ${both()}`);
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

/**
 * Output tile variants of shaders/linalg/matmul.wgsl: a workgroup of 16 x threadsY invocations,
 * each computing `rows` rows x `vecs` vec4 columns.
 */
export const MATMUL_TILES = {
  '128x128': { rows: 8, vecs: 2, threadsY: 16 },
  '64x64': { rows: 4, vecs: 1, threadsY: 16 },
  '32x64': { rows: 4, vecs: 1, threadsY: 8 },
} as const;

export type MatmulTile = keyof typeof MATMUL_TILES;

/** Edges [rows, columns] of a variant's output tile. */
export function matmulTileSize(tile: MatmulTile): [number, number] {
  const { rows, vecs, threadsY } = MATMUL_TILES[tile];
  return [rows * threadsY, 16 * 4 * vecs];
}

/** Fewest workgroups a variant should launch to occupy a large GPU (an H100 has 132 SMs). */
const MIN_WORKGROUPS = 128;
/** Largest share of a variant's output tiles that may lie past the matrix's rows or columns. */
const MAX_PADDING = 0.2;

/**
 * The tile variant for a product: the largest tile (most reuse per load) that still launches
 * MIN_WORKGROUPS workgroups and pads at most MAX_PADDING of its outputs; the smallest tile
 * otherwise. E.g. 4096 x 4096 and SAM's 4900 x 2304 take 128x128; CLIP's 257 x 4096 (Base) takes
 * 64x64 (a 128-row tile would compute 384 rows); 65 x 4096 (Tiny) and 257 x 1024 take 32x64.
 */
export function matmulTileFor(shape: Pick<MatmulShape, 'batch' | 'rows' | 'columns'>): MatmulTile {
  const names = Object.keys(MATMUL_TILES) as MatmulTile[];
  for (const name of names) {
    const [tileRows, tileColumns] = matmulTileSize(name);
    const rowTiles = Math.ceil(shape.rows / tileRows);
    const columnTiles = Math.ceil(shape.columns / tileColumns);
    const computed = rowTiles * tileRows * columnTiles * tileColumns;
    const padding = 1 - (shape.rows * shape.columns) / computed;
    if (rowTiles * columnTiles * shape.batch >= MIN_WORKGROUPS && padding <= MAX_PADDING) return name;
  }
  return names[names.length - 1];
}

// Flag bits of shaders/linalg/matmul.wgsl.
const TRANSPOSE_A = 1;
const TRANSPOSE_B = 2;
const HAS_BIAS = 4;
const ALIGNED_A = 8;
const ALIGNED_B = 16;
const ALIGNED_OUT = 32;
const ACTIVATION_FLAGS = { gelu: 64, quickGelu: 128 } as const;
const HAS_RESIDUAL = 256;

/** Program for out = alpha * op(a) @ op(b) (+ bias); `out` must have the product's shape and a's dtype. */
export function matmulProgram(ctx: GpuContext, a: Tensor, b: Tensor, out: Tensor, options: MatmulOptions = {}): ComputeProgram {
  const shape = matmulShape(a, b, options);
  if (out.dtype !== a.dtype || out.size !== shape.batch * shape.rows * shape.columns) {
    throw new ShapeError(
      `matmul: out must be ${a.dtype} ${shapeToString(shape.outShape)}, got ${out.dtype} ${shapeToString(out.shape)}`,
    );
  }
  const { bias, residual } = options;
  if ([a, b, bias, residual].some((input) => input?.buffer === out.buffer)) {
    throw new ShapeError('matmul: out must not share a buffer with a, b, bias or residual');
  }
  if (bias && (bias.size !== shape.columns || bias.dtype !== a.dtype)) {
    throw new ShapeError(`matmul: bias must be ${a.dtype} [${shape.columns}], got ${bias.dtype} ${shapeToString(bias.shape)}`);
  }
  if (residual && (residual.size !== out.size || residual.dtype !== a.dtype)) {
    throw new ShapeError(`matmul: residual must be ${a.dtype} ${shapeToString(shape.outShape)}, got ${residual.dtype} ${shapeToString(residual.shape)}`);
  }
  const tile = options.tile ?? matmulTileFor(shape);
  const [tileRows, tileColumns] = matmulTileSize(tile);
  const tiles = Math.ceil(shape.columns / tileColumns) * Math.ceil(shape.rows / tileRows);
  const [x, y] = linearWorkgroups(ctx, tiles, 1);
  const maxPerDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (shape.batch > maxPerDim) throw new LimitExceededError('matmul batch', shape.batch, maxPerDim, '(workgroups per dimension)');
  // vec4 loads need the contiguous axis of each operand to be a multiple of 4.
  const aligned = (n: number) => n % 4 === 0;
  const flags =
    (options.transposeA ? TRANSPOSE_A : 0) |
    (options.transposeB ? TRANSPOSE_B : 0) |
    (bias ? HAS_BIAS : 0) |
    (aligned(options.transposeA ? shape.rows : shape.inner) ? ALIGNED_A : 0) |
    (aligned(options.transposeB ? shape.inner : shape.columns) ? ALIGNED_B : 0) |
    (aligned(shape.columns) ? ALIGNED_OUT : 0) |
    (options.activation ? ACTIVATION_FLAGS[options.activation] : 0) |
    (residual ? HAS_RESIDUAL : 0);
  const { rows, vecs, threadsY } = MATMUL_TILES[tile];
  return {
    name: `matmul_${a.dtype}_${tile}`,
    source: shaderSource(source, { dtype: a.dtype as 'f32' | 'f16', includes: [geluMath] }),
    constants: { ROWS: rows, VECS: vecs, THREADS_Y: threadsY },
    // Without a bias or residual the binding still exists; a (read-only) stands in for it.
    bindings: [a, b, bias ?? a, residual ?? a, out],
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
 * out = act(alpha * a @ b + bias[N] on every row) + residual, each part optional. a is [M, K] or
 * [B, M, K] ([K, M] / [B, K, M] with transposeA); b is [K, N] or [B, K, N] ([N, K] / [B, N, K]
 * with transposeB). A 2-D operand is broadcast over the other's batch. f16 storage accumulates
 * in f32.
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
  activation?: 'gelu' | 'quickGelu';
  /** [batch, M, N] values added last. */
  residual?: ArrayLike<number>;
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
  const activation = options.activation === 'gelu' ? geluValue : options.activation === 'quickGelu' ? quickGeluValue : (x: number) => x;
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
        const value = activation(alpha * sum + (options.bias ? options.bias[n] : 0));
        out[t * M * N + m * N + n] = value + (options.residual ? options.residual[t * M * N + m * N + n] : 0);
      }
    }
  }
  return out;
}
