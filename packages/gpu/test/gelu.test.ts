import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, gelu, quickGelu, geluReference, quickGeluReference, erf, roundToFloat16, ShapeError } from '../src';
import { expectClose, useGpu } from '../testing';

// Tolerances: f32 gelu uses our fitted erf (max |error| 1.5e-7): atol 1e-6 on inputs in [-8, 8]
// (the brief's bound). f16: inputs rounded to f16, output rounded once: atol 1e-3, rtol 2e-3.
const TOLERANCE = { f32: [1e-6, 1e-6], f16: [1e-3, 2e-3] } as const;

describe('gelu (exact erf form) and quickGelu', () => {
  const gpu = useGpu('gelu');

  it('the TypeScript erf matches known values to 1e-15', () => {
    // erf(0.5), erf(1), erf(2), erf(3.5) from tables (Abramowitz & Stegun 7.1, 15 digits)
    expect(Math.abs(erf(0.5) - 0.520499877813047)).toBeLessThan(1e-15);
    expect(Math.abs(erf(1) - 0.842700792949715)).toBeLessThan(1e-15);
    expect(Math.abs(erf(2) - 0.995322265018953)).toBeLessThan(1e-15);
    expect(Math.abs(erf(-3.5) + 0.999999256901628)).toBeLessThan(1e-15);
    expect(erf(0)).toBe(0);
  });

  for (const dtype of ['f32', 'f16'] as const) {
    for (const n of [1, 255, 257, 4099]) {
      for (const [name, op, reference] of [['gelu', gelu, geluReference], ['quickGelu', quickGelu, quickGeluReference]] as const) {
        it(`${dtype}: ${name} n=${n}`, async () => {
          const rng = new SeededRandom(n + (name === 'gelu' ? 0 : 99));
          const round = dtype === 'f16' ? roundToFloat16 : (x: Float32Array) => x;
          const x = round(rng.uniformArray(n, -8, 8));
          const out = await op(gpu(), Tensor.from(gpu(), x, [n], dtype));
          const [atol, rtol] = TOLERANCE[dtype];
          expectClose(await out.read(), round(reference(x)), atol, rtol, name);
        });
      }
    }
  }

  it('f32 gelu is within 1e-6 on a dense grid across the erf branch points (|x/sqrt2| = 1, 4)', async () => {
    const x = new Float32Array(8001);
    for (let i = 0; i < x.length; i++) x[i] = -8 + i * 0.002;
    const out = await gelu(gpu(), Tensor.from(gpu(), x, [x.length]));
    expectClose(await out.read(), geluReference(x), 1e-6, 0);
  });

  it('small inputs keep relative accuracy (erf(x) ~ 2x/sqrt(pi))', async () => {
    const x = new Float32Array([1e-6, -3e-5, 1e-3, -2e-2]);
    const out = await gelu(gpu(), Tensor.from(gpu(), x, [4]));
    expectClose(await out.read(), geluReference(x), 0, 1e-6);
  });

  it('rejects integer tensors', async () => {
    await expect(gelu(gpu(), Tensor.empty(gpu(), [4], 'u32'))).rejects.toThrow(ShapeError);
  });
});
