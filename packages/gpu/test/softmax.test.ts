import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, softmax, softmaxReference, roundToFloat16, ShapeError } from '../src';
import { expectClose, useGpu } from '../testing';

// Tolerances: outputs lie in [0, 1]; f32 exp differs from Math.exp by a few ulp: atol 1e-6, rtol 1e-5.
// f16: inputs rounded to f16 for the reference, output rounded once to f16: atol 1e-3, rtol 2e-3.
const TOLERANCE = { f32: [1e-6, 1e-5], f16: [1e-3, 2e-3] } as const;

describe('softmax (row-wise, max-subtracted)', () => {
  const gpu = useGpu('softmax');
  const shapes: Array<[number, number]> = [[1, 1], [1, 7], [3, 255], [5, 256], [2, 257], [4, 1000], [70, 3]];

  for (const dtype of ['f32', 'f16'] as const) {
    for (const [rows, n] of shapes) {
      it(`${dtype}: [${rows}, ${n}] matches the reference`, async () => {
        const rng = new SeededRandom(rows * 7919 + n);
        const round = dtype === 'f16' ? roundToFloat16 : (x: Float32Array) => x;
        const x = round(rng.uniformArray(rows * n, -8, 8));
        const out = await softmax(gpu(), Tensor.from(gpu(), x, [rows, n], dtype));
        const actual = await out.read();
        const [atol, rtol] = TOLERANCE[dtype];
        expectClose(actual, round(softmaxReference(x, rows, n)), atol, rtol);
        for (let r = 0; r < rows; r++) {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += actual[r * n + i];
          expect(sum).toBeCloseTo(1, dtype === 'f32' ? 5 : 1);
        }
      });
    }
  }

  it('f32: 70 000 rows (more than 65535 workgroups: 2-D grid)', async () => {
    const rows = 70_000;
    const x = new SeededRandom(70).uniformArray(rows * 2, -4, 4);
    const out = await softmax(gpu(), Tensor.from(gpu(), x, [rows, 2]));
    expectClose(await out.read(), softmaxReference(x, rows, 2), 1e-6, 1e-5);
  });

  it('is stable for large inputs (no overflow) and handles -Infinity entries', async () => {
    const x = new Float32Array([1000, 1001, 999, -Infinity, 88, -88, 0, 90]);
    const out = await softmax(gpu(), Tensor.from(gpu(), x, [2, 4]));
    const actual = await out.read();
    expect(Array.from(actual).every(Number.isFinite)).toBe(true);
    expectClose(actual, softmaxReference(x, 2, 4), 1e-6, 1e-5);
    expect(actual[3]).toBe(0);
  });

  it('rejects integer tensors and mismatched outputs', async () => {
    await expect(softmax(gpu(), Tensor.empty(gpu(), [2, 3], 'u32'))).rejects.toThrow(ShapeError);
  });
});
