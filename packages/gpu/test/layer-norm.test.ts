import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, layerNorm, layerNormReference, roundToFloat16, ShapeError, InvalidInputError } from '../src';
import { expectClose, useGpu } from '../testing';

// Tolerances: outputs are O(3) (standardised, gamma in [0.5, 1.5]). f32: atol 2e-5, rtol 1e-5.
// f16: inputs and parameters rounded to f16 for the reference, output rounded once: atol 4e-3, rtol 2e-3.
const TOLERANCE = { f32: [2e-5, 1e-5], f16: [4e-3, 2e-3] } as const;

describe('layerNorm (biased variance, as torch)', () => {
  const gpu = useGpu('layerNorm');
  const shapes: Array<[number, number]> = [[1, 1], [1, 5], [3, 255], [2, 256], [4, 257], [2, 1024], [33, 7]];

  for (const dtype of ['f32', 'f16'] as const) {
    for (const [rows, n] of shapes) {
      it(`${dtype}: [${rows}, ${n}] matches the reference`, async () => {
        const rng = new SeededRandom(rows * 31 + n);
        const round = dtype === 'f16' ? roundToFloat16 : (x: Float32Array) => x;
        // An offset mean checks the two-pass variance.
        const x = round(rng.uniformArray(rows * n, 3, 7));
        const gamma = round(rng.uniformArray(n, 0.5, 1.5));
        const beta = round(rng.uniformArray(n, -1, 1));
        const out = await layerNorm(
          gpu(),
          Tensor.from(gpu(), x, [rows, n], dtype),
          Tensor.from(gpu(), gamma, [n], dtype),
          Tensor.from(gpu(), beta, [n], dtype),
          1e-5,
        );
        const [atol, rtol] = TOLERANCE[dtype];
        expectClose(await out.read(), round(layerNormReference(x, gamma, beta, rows, n, 1e-5)), atol, rtol);
      });
    }
  }

  it('a constant row gives beta (variance 0, eps keeps it finite)', async () => {
    const out = await layerNorm(
      gpu(),
      Tensor.from(gpu(), [2, 2, 2, 2], [1, 4]),
      Tensor.from(gpu(), [1, 1, 1, 1], [4]),
      Tensor.from(gpu(), [0.5, -1, 0, 3], [4]),
      1e-6,
    );
    expect(Array.from(await out.read())).toEqual([0.5, -1, 0, 3]);
  });

  it('rejects wrong gamma/beta sizes and bad eps', async () => {
    const x = Tensor.empty(gpu(), [2, 4]);
    await expect(layerNorm(gpu(), x, Tensor.empty(gpu(), [3]), Tensor.empty(gpu(), [4]), 1e-5)).rejects.toThrow(ShapeError);
    await expect(layerNorm(gpu(), x, Tensor.empty(gpu(), [4]), Tensor.empty(gpu(), [4]), Number.NaN)).rejects.toThrow(InvalidInputError);
  });
});
