import source from '@shaders/sparse/csr-matmul.wgsl?raw';
import type { GpuContext } from '../device';
import { ShapeError } from '../errors';
import type { ComputeProgram } from '../program';
import { runKernel } from '../run';
import { flatDispatch, shaderSource } from '../shader';
import { shapeToString, type Tensor } from '../tensor';
import { CsrMatrix, validateCsr } from './csr-matrix';

export interface CsrMatmulOptions {
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of the addend (default 1 when an addend is given). */
  beta?: number;
  /** [rows, m], added as beta * addend. */
  addend?: Tensor;
  /** Destination [rows, m]; must not alias dense or addend. A new tensor when absent. */
  out?: Tensor;
}

function denseWidth(csr: CsrMatrix, dense: Tensor): number {
  const width = dense.shape.length === 1 ? 1 : dense.shape[dense.shape.length - 1];
  if (dense.dtype !== 'f32' || dense.shape.length > 2 || dense.shape[0] !== csr.cols) {
    throw new ShapeError(`csrMatmul: dense must be f32 [${csr.cols}, m] for a ${csr.rows} x ${csr.cols} matrix, got ${dense.dtype} ${shapeToString(dense.shape)}`);
  }
  return width;
}

/** Program for out = alpha * (csr @ dense) + beta * addend. */
export function csrMatmulProgram(ctx: GpuContext, csr: CsrMatrix, dense: Tensor, out: Tensor, options: CsrMatmulOptions = {}): ComputeProgram {
  const width = denseWidth(csr, dense);
  const expected = `f32 [${csr.rows}, ${width}]`;
  if (out.dtype !== 'f32' || out.size !== csr.rows * width) {
    throw new ShapeError(`csrMatmul: out must be ${expected}, got ${out.dtype} ${shapeToString(out.shape)}`);
  }
  const { addend } = options;
  if (addend && (addend.dtype !== 'f32' || addend.size !== csr.rows * width)) {
    throw new ShapeError(`csrMatmul: addend must be ${expected}, got ${addend.dtype} ${shapeToString(addend.shape)}`);
  }
  if (out.buffer === dense.buffer || (addend && out.buffer === addend.buffer)) {
    throw new ShapeError('csrMatmul: out must not share a buffer with dense or addend');
  }
  const { workgroups, constants } = flatDispatch(ctx, csr.rows * width);
  return {
    name: 'csr_matmul',
    source: shaderSource(source, { entry: 'flat' }),
    constants: { ...constants, HAS_ADDEND: addend ? 1 : 0 },
    // Without an addend the binding still exists; dense (read-only) stands in for it.
    bindings: [csr.rowPtr, csr.colIndex, csr.values, dense, addend ?? dense, out],
    uniforms: [{ u32: csr.rows }, { u32: width }, { f32: options.alpha ?? 1 }, { f32: addend ? options.beta ?? 1 : 0 }],
    workgroups,
  };
}

/** alpha * (csr @ dense) + beta * addend; dense is [cols, m] (or [cols]), result [rows, m]. */
export async function csrMatmul(ctx: GpuContext, csr: CsrMatrix, dense: Tensor, options: CsrMatmulOptions = {}): Promise<Tensor> {
  const width = denseWidth(csr, dense);
  const output = options.out ?? { shape: dense.shape.length === 1 ? [csr.rows] : [csr.rows, width] };
  return runKernel(ctx, output, (out) => csrMatmulProgram(ctx, csr, dense, out, options));
}

/** Plain-TypeScript reference: alpha * (csr @ dense) + beta * addend, dense [cols, m]. */
export function csrMatmulReference(
  rows: number,
  cols: number,
  rowPtr: ArrayLike<number>,
  colIndex: ArrayLike<number>,
  values: ArrayLike<number>,
  dense: ArrayLike<number>,
  width: number,
  options: { alpha?: number; beta?: number; addend?: ArrayLike<number> } = {},
): Float32Array {
  validateCsr(rows, cols, rowPtr, colIndex, values);
  if (dense.length !== cols * width) throw new ShapeError(`csrMatmulReference: dense has ${dense.length} values, expected ${cols} x ${width}`);
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 1;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let p = rowPtr[r]; p < rowPtr[r + 1]; p++) sum += values[p] * dense[colIndex[p] * width + j];
      out[r * width + j] = alpha * sum + (options.addend ? beta * options.addend[r * width + j] : 0);
    }
  }
  return out;
}
