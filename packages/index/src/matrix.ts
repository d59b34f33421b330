/** Dense row-major matrices as plain typed arrays, and input validation at the public boundary. */
import { DimensionMismatchError, EmptyCorpusError, NonFiniteValueError, RaggedRowsError } from './errors';

/** A row-major [rows, columns] matrix. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  columns: number;
}

export type VectorInput = Float32Array | Float64Array | number[] | ArrayLike<number>[];

/**
 * Accepts a flat Float32Array/number[] of N*F values (with `columns` = F) or an array of rows,
 * and checks that it is non-empty, rectangular and finite.
 */
export function toMatrix(input: VectorInput, columns: number | undefined, what: string): Matrix {
  if (input == null || (input as ArrayLike<unknown>).length === 0) throw new EmptyCorpusError(`${what} is empty.`);
  const first = (input as ArrayLike<unknown>)[0];
  let matrix: Matrix;
  if (typeof first === 'number') {
    const flat = input as ArrayLike<number>;
    const width = columns ?? flat.length;
    if (!Number.isInteger(width) || width < 1) throw new EmptyCorpusError(`${what}: the dimension must be a positive integer, got ${width}.`);
    if (flat.length % width !== 0) {
      throw new DimensionMismatchError(`${what} (flat array of ${flat.length} values)`, width, flat.length % width);
    }
    matrix = { data: Float32Array.from(flat), rows: flat.length / width, columns: width };
  } else {
    const rows = input as ArrayLike<number>[];
    const width = rows[0]?.length ?? 0;
    if (width === 0) throw new EmptyCorpusError(`${what}: row 0 has no features.`);
    const data = new Float32Array(rows.length * width);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (!row || row.length !== width) throw new RaggedRowsError(r, width, row?.length ?? 0);
      for (let c = 0; c < width; c++) data[r * width + c] = row[c];
    }
    matrix = { data, rows: rows.length, columns: width };
    if (columns !== undefined && columns !== width) throw new DimensionMismatchError(what, columns, width);
  }
  assertFinite(matrix, what);
  return matrix;
}

export function assertFinite(matrix: Matrix, what: string): void {
  const { data, columns } = matrix;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new NonFiniteValueError(what, Math.floor(i / columns), i % columns, data[i]);
  }
}

export function row(matrix: Matrix, index: number): Float32Array {
  return matrix.data.subarray(index * matrix.columns, (index + 1) * matrix.columns);
}

/** Euclidean norm of every row (f64 accumulation). */
export function rowNorms(matrix: Matrix): Float64Array {
  const norms = new Float64Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) {
    let sum = 0;
    for (let c = 0, o = r * matrix.columns; c < matrix.columns; c++) sum += matrix.data[o + c] ** 2;
    norms[r] = Math.sqrt(sum);
  }
  return norms;
}

/** out[rows, n] = a[rows, k] @ b[k, n] (plain reference GEMM, f64 accumulation per output). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.columns !== b.rows) throw new DimensionMismatchError('matrix product right operand', a.columns, b.rows);
  const out = new Float32Array(a.rows * b.columns);
  const accumulator = new Float64Array(b.columns);
  for (let r = 0; r < a.rows; r++) {
    accumulator.fill(0);
    for (let k = 0; k < a.columns; k++) {
      const value = a.data[r * a.columns + k];
      if (value === 0) continue;
      const offset = k * b.columns;
      for (let c = 0; c < b.columns; c++) accumulator[c] += value * b.data[offset + c];
    }
    out.set(accumulator, r * b.columns);
  }
  return { data: out, rows: a.rows, columns: b.columns };
}

/** Linear-interpolated quantile (numpy's default "linear" method) of a copy of `values`. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** Median (quantile 0.5) of `values`. */
export const median = (values: ArrayLike<number>) => quantile(values, 0.5);
