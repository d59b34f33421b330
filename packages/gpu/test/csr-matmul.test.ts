import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, CsrMatrix, csrMatmul, csrMatmulReference, ShapeError, InvalidInputError } from '../src';
import { expectClose, useGpu } from '../testing';

// Tolerance: f32 fma sums in row order vs double reference, |values| <= 1, <= 40 nonzeros per row:
// atol 1e-5, rtol 1e-5.
const ATOL = 1e-5;
const RTOL = 1e-5;

/** A seeded random CSR matrix with `density` of its entries set (some rows empty). */
function randomCsr(rng: SeededRandom, rows: number, cols: number, density: number) {
  const rowPtr = new Uint32Array(rows + 1);
  const colIndex: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (rng.next() < density) {
        colIndex.push(c);
        values.push(rng.next() * 2 - 1);
      }
    }
    rowPtr[r + 1] = colIndex.length;
  }
  return { rowPtr, colIndex: Uint32Array.from(colIndex), values: Float32Array.from(values) };
}

describe('csrMatmul (sparse CSR times dense)', () => {
  const gpu = useGpu('csrMatmul');
  const shapes: Array<[number, number, number, number]> = [
    [1, 1, 1, 1],
    [7, 5, 1, 0.5],
    [37, 41, 3, 0.2],
    [300, 257, 2, 0.05],
    [64, 100, 17, 0.1],
  ];

  for (const [rows, cols, width, density] of shapes) {
    it(`[${rows}, ${cols}] @ [${cols}, ${width}] density ${density}`, async () => {
      const rng = new SeededRandom(rows * 101 + cols * 7 + width);
      const { rowPtr, colIndex, values } = randomCsr(rng, rows, cols, density);
      const dense = rng.uniformArray(cols * width);
      const csr = CsrMatrix.fromArrays(gpu(), rows, cols, rowPtr, colIndex, values);
      expect(csr.nnz).toBe(values.length);
      const out = await csrMatmul(gpu(), csr, Tensor.from(gpu(), dense, [cols, width]), { alpha: 0.5 });
      expect(out.shape).toEqual([rows, width]);
      expectClose(await out.read(), csrMatmulReference(rows, cols, rowPtr, colIndex, values, dense, width, { alpha: 0.5 }), ATOL, RTOL);
      csr.dispose();
    });
  }

  it('one heat-diffusion step x - eta * L x on a path-graph Laplacian', async () => {
    const n = 50;
    const rowPtr = [0];
    const colIndex: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const neighbours = [i - 1, i + 1].filter((j) => j >= 0 && j < n);
      for (const j of [...neighbours, i].sort((a, b) => a - b)) {
        colIndex.push(j);
        values.push(j === i ? neighbours.length : -1);
      }
      rowPtr.push(colIndex.length);
    }
    const x = new SeededRandom(5).uniformArray(n * 2);
    const csr = CsrMatrix.fromArrays(gpu(), n, n, Uint32Array.from(rowPtr), Uint32Array.from(colIndex), Float32Array.from(values));
    const tx = Tensor.from(gpu(), x, [n, 2]);
    const out = await csrMatmul(gpu(), csr, tx, { alpha: -0.1, beta: 1, addend: tx });
    const actual = await out.read();
    expectClose(actual, csrMatmulReference(n, n, rowPtr, colIndex, values, x, 2, { alpha: -0.1, beta: 1, addend: x }), ATOL, RTOL);
    // Diffusion with a Laplacian conserves each column's total.
    for (const column of [0, 1]) {
      let before = 0;
      let after = 0;
      for (let i = 0; i < n; i++) {
        before += x[i * 2 + column];
        after += actual[i * 2 + column];
      }
      expect(after).toBeCloseTo(before, 4);
    }
  });

  it('a 1-D dense vector [cols] gives a [rows] result', async () => {
    const csr = CsrMatrix.fromArrays(gpu(), 2, 3, Uint32Array.from([0, 2, 3]), Uint32Array.from([0, 2, 1]), Float32Array.from([1, -2, 4]));
    const out = await csrMatmul(gpu(), csr, Tensor.from(gpu(), [3, 5, 7], [3]));
    expect(out.shape).toEqual([2]);
    expect(Array.from(await out.read())).toEqual([3 - 14, 20]);
  });

  it('an all-zero matrix (nnz = 0) gives beta * addend, written into out', async () => {
    const csr = CsrMatrix.fromArrays(gpu(), 3, 2, new Uint32Array(4), new Uint32Array(0), new Float32Array(0));
    const addend = Tensor.from(gpu(), [1, 2, 3], [3, 1]);
    const out = Tensor.empty(gpu(), [3, 1]);
    const result = await csrMatmul(gpu(), csr, Tensor.from(gpu(), [5, 6], [2, 1]), { addend, beta: 2, out });
    expect(result).toBe(out);
    expect(Array.from(await out.read())).toEqual([2, 4, 6]);
  });

  it('validates CSR arrays with typed errors', () => {
    const ok = { rowPtr: Uint32Array.from([0, 1, 2]), colIndex: Uint32Array.from([0, 1]), values: Float32Array.from([1, 2]) };
    expect(() => CsrMatrix.fromArrays(gpu(), 2, 2, Uint32Array.from([0, 2]), ok.colIndex, ok.values)).toThrow(ShapeError);
    expect(() => CsrMatrix.fromArrays(gpu(), 2, 2, Uint32Array.from([0, 2, 1]), ok.colIndex, ok.values)).toThrow(InvalidInputError);
    expect(() => CsrMatrix.fromArrays(gpu(), 2, 2, ok.rowPtr, Uint32Array.from([0, 2]), ok.values)).toThrow(/out of range \[0, 2\)/);
    expect(() => CsrMatrix.fromArrays(gpu(), 2, 2, ok.rowPtr, ok.colIndex, Float32Array.from([1, NaN]))).toThrow(/not finite/);
    expect(() => CsrMatrix.fromArrays(gpu(), 2, 2, Uint32Array.from([0, 1, 3]), ok.colIndex, ok.values)).toThrow(/nnz = 2/);
    expect(() => CsrMatrix.fromArrays(gpu(), 2, 2, ok.rowPtr, ok.colIndex, Float32Array.from([1]))).toThrow(ShapeError);
  });

  it('rejects a dense operand of the wrong shape and an out that aliases the input', async () => {
    const csr = CsrMatrix.fromArrays(gpu(), 2, 3, Uint32Array.from([0, 1, 2]), Uint32Array.from([0, 2]), Float32Array.from([1, 2]));
    await expect(csrMatmul(gpu(), csr, Tensor.empty(gpu(), [2, 4]))).rejects.toThrow(/\[3, m\].*\[2, 4\]/);
    const dense = Tensor.empty(gpu(), [3, 1]);
    await expect(csrMatmul(gpu(), csr, dense, { addend: Tensor.empty(gpu(), [3, 1]) })).rejects.toThrow(/addend must be f32 \[2, 1\]/);
    const square = CsrMatrix.fromArrays(gpu(), 3, 3, Uint32Array.from([0, 1, 2, 2]), Uint32Array.from([0, 2]), Float32Array.from([1, 2]));
    await expect(csrMatmul(gpu(), square, dense, { out: dense })).rejects.toThrow(/must not share/);
  });
});
