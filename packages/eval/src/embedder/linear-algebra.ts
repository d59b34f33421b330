/**
 * Small dense linear algebra for the randomized SVD (Halko, Martinsson & Tropp 2011,
 * algorithms 4.4 and 5.1): Gram-Schmidt orthonormalisation and a cyclic Jacobi eigensolver.
 * Matrices are row-major Float64Arrays.
 */

/**
 * Orthonormalises the columns of `rowsByColumns` [rows, columns] in place by modified
 * Gram-Schmidt; `passes` = 2 re-orthogonalises ("twice is enough") for a basis that must be exact.
 */
export function orthonormalizeColumns(rowsByColumns: Float64Array, rows: number, columns: number, passes = 2): void {
  // Work on contiguous columns for speed, then write back.
  const columnVectors = Array.from({ length: columns }, (_, column) => {
    const vector = new Float64Array(rows);
    for (let row = 0; row < rows; row++) vector[row] = rowsByColumns[row * columns + column];
    return vector;
  });
  for (let pass = 0; pass < passes; pass++) {
    for (let column = 0; column < columns; column++) {
      const vector = columnVectors[column];
      for (let previous = 0; previous < column; previous++) {
        const basis = columnVectors[previous];
        let dot = 0;
        for (let row = 0; row < rows; row++) dot += vector[row] * basis[row];
        for (let row = 0; row < rows; row++) vector[row] -= dot * basis[row];
      }
      let norm = 0;
      for (let row = 0; row < rows; row++) norm += vector[row] * vector[row];
      norm = Math.sqrt(norm);
      // A (numerically) dependent column becomes zero rather than amplified noise.
      const scale = norm > 1e-12 ? 1 / norm : 0;
      for (let row = 0; row < rows; row++) vector[row] *= scale;
    }
  }
  for (let column = 0; column < columns; column++) {
    const vector = columnVectors[column];
    for (let row = 0; row < rows; row++) rowsByColumns[row * columns + column] = vector[row];
  }
}

/**
 * Eigen-decomposition of a symmetric matrix [size, size] by cyclic Jacobi rotations.
 * Returns eigenvalues in descending order and eigenvectors as columns of a row-major matrix,
 * each with its largest-magnitude component made positive (deterministic signs).
 */
export function symmetricEigen(matrix: Float64Array, size: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let index = 0; index < size; index++) v[index * size + index] = 1;
  let scale = 0;
  for (let index = 0; index < a.length; index++) scale += a[index] * a[index];
  const tolerance = 1e-22 * Math.max(scale, 1e-300);
  for (let sweep = 0; sweep < 60; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) offDiagonal += a[p * size + q] ** 2;
    if (offDiagonal <= tolerance) break;
    for (let p = 0; p < size - 1; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * size + p];
        const aqq = a[q * size + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p];
          const akq = a[k * size + q];
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k];
          const aqk = a[q * size + k];
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p];
          const vkq = v[k * size + q];
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, index) => index).sort((x, y) => a[y * size + y] - a[x * size + x] || x - y);
  const values = Float64Array.from(order, (index) => a[index * size + index]);
  const vectors = new Float64Array(size * size);
  order.forEach((source, target) => {
    let largest = 0;
    for (let k = 0; k < size; k++) if (Math.abs(v[k * size + source]) > Math.abs(largest)) largest = v[k * size + source];
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < size; k++) vectors[k * size + target] = sign * v[k * size + source];
  });
  return { values, vectors };
}
