import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, axpby, axpbyReference, roundToFloat16, ShapeError, add, scale } from '../src';
import { expectClose, useGpu } from '../testing';

describe('axpby (element-wise add/scale)', () => {
  const gpu = useGpu('axpby');
  const sizes = [1, 3, 255, 256, 257, 1000, 70_001];

  for (const n of sizes) {
    it(`f32 matches the reference for n=${n}`, async () => {
      const rng = new SeededRandom(n);
      const a = rng.uniformArray(n, -10, 10);
      const b = rng.uniformArray(n, -10, 10);
      const ta = Tensor.from(gpu(), a, [n]);
      const tb = Tensor.from(gpu(), b, [n]);
      const out = await axpby(gpu(), ta, tb, 0.5, -2);
      expectClose(await out.read(), axpbyReference(a, b, 0.5, -2), 1e-5, 1e-6);
    });
  }

  it('add and scale', async () => {
    const a = Tensor.from(gpu(), [1, 2, 3], [3]);
    const b = Tensor.from(gpu(), [10, 20, 30], [3]);
    expect(Array.from(await (await add(gpu(), a, b)).read())).toEqual([11, 22, 33]);
    expect(Array.from(await (await scale(gpu(), a, -2)).read())).toEqual([-2, -4, -6]);
  });

  it('f16 storage matches the reference within f16 rounding', async () => {
    if (!gpu().features.shaderF16) throw new Error('Dawn/lavapipe should expose shader-f16');
    const rng = new SeededRandom(7);
    const a = rng.uniformArray(513, -4, 4);
    const b = rng.uniformArray(513, -4, 4);
    const out = await axpby(gpu(), Tensor.from(gpu(), a, [513], 'f16'), Tensor.from(gpu(), b, [513], 'f16'), 1.5, 0.25);
    const expected = roundToFloat16(axpbyReference(roundToFloat16(a), roundToFloat16(b), 1.5, 0.25));
    expectClose(await out.read(), expected, 1e-2, 2e-3);
  });

  it("rejects mismatched shapes with a ShapeError", async () => {
    const a = Tensor.from(gpu(), [1, 2, 3], [3]);
    const b = Tensor.from(gpu(), [1, 2], [2]);
    await expect(axpby(gpu(), a, b)).rejects.toThrow(ShapeError);
  });
});
