import type { GpuContext } from '../device';
import { InvalidInputError, ShapeError } from '../errors';
import { Tensor } from '../tensor';

/**
 * A sparse matrix in compressed-sparse-row form, resident on the GPU: row r's nonzeros are
 * values[rowPtr[r] .. rowPtr[r+1]) at columns colIndex[same range]. Buffers hold at least one
 * element so an all-zero matrix (nnz = 0) still binds.
 */
export class CsrMatrix {
  private constructor(
    readonly rows: number,
    readonly cols: number,
    readonly nnz: number,
    readonly rowPtr: Tensor,
    readonly colIndex: Tensor,
    readonly values: Tensor,
  ) {}

  /** Validates and uploads CSR arrays; malformed input raises ShapeError or InvalidInputError. */
  static fromArrays(
    ctx: GpuContext,
    rows: number,
    cols: number,
    rowPtr: Uint32Array,
    colIndex: Uint32Array,
    values: Float32Array,
  ): CsrMatrix {
    validateCsr(rows, cols, rowPtr, colIndex, values);
    const nnz = values.length;
    const padded = <T extends Uint32Array | Float32Array>(data: T): T | number[] => (data.length ? data : [0]);
    return new CsrMatrix(
      rows,
      cols,
      nnz,
      Tensor.from(ctx, rowPtr, [rows + 1], 'u32'),
      Tensor.from(ctx, padded(colIndex), [Math.max(1, nnz)], 'u32'),
      Tensor.from(ctx, padded(values), [Math.max(1, nnz)], 'f32'),
    );
  }

  dispose(): void {
    this.rowPtr.dispose();
    this.colIndex.dispose();
    this.values.dispose();
  }
}

/** Throws a typed error naming the first problem in a CSR description. */
export function validateCsr(rows: number, cols: number, rowPtr: ArrayLike<number>, colIndex: ArrayLike<number>, values: ArrayLike<number>): void {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new ShapeError(`CSR: rows and cols must be positive integers, got ${rows} x ${cols}`);
  }
  if (rowPtr.length !== rows + 1) {
    throw new ShapeError(`CSR: rowPtr must have rows + 1 = ${rows + 1} entries, got ${rowPtr.length}`);
  }
  if (colIndex.length !== values.length) {
    throw new ShapeError(`CSR: colIndex has ${colIndex.length} entries but values has ${values.length}`);
  }
  if (rowPtr[0] !== 0) throw new InvalidInputError(`CSR: rowPtr[0] must be 0, got ${rowPtr[0]}`);
  for (let r = 0; r < rows; r++) {
    if (rowPtr[r + 1] < rowPtr[r]) {
      throw new InvalidInputError(`CSR: rowPtr must be non-decreasing, but rowPtr[${r + 1}] = ${rowPtr[r + 1]} < rowPtr[${r}] = ${rowPtr[r]}`);
    }
  }
  if (rowPtr[rows] !== values.length) {
    throw new ShapeError(`CSR: rowPtr[rows] must equal nnz = ${values.length}, got ${rowPtr[rows]}`);
  }
  for (let p = 0; p < colIndex.length; p++) {
    if (colIndex[p] >= cols) throw new InvalidInputError(`CSR: colIndex[${p}] = ${colIndex[p]} is out of range [0, ${cols})`);
    if (!Number.isFinite(values[p])) throw new InvalidInputError(`CSR: values[${p}] = ${values[p]} is not finite`);
  }
}
