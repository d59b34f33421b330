import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, CommandBatch, matmul, matmulProgram, matmulReference, roundToFloat16, ShapeError } from '../src';
import { expectClose, useGpu } from '../testing';

// Tolerances: f32 accumulates in a different order than the double reference: atol 1e-4 for
// K <= 130 and values in [-1, 1]. f16 storage: inputs are rounded to f16 for the reference and
// the output is rounded once to f16 (relative 2^-11), accumulation is f32: atol 1e-3, rtol 2e-3 (one f16 ulp is 2^-10 relative).
const TOLERANCE = { f32: [1e-4, 1e-5], f16: [1e-3, 2e-3] } as const;

describe('matmul (tiled, f32 and f16 storage)', () => {
  const gpu = useGpu('matmul');

  const cases: Array<{ name: string; batch?: number; broadcastB?: boolean; M: number; K: number; N: number; transposeA?: boolean; transposeB?: boolean; alpha?: number; bias?: boolean; f16?: boolean }> = [
    // f16 runs the cases marked f16 (the f32 cases cover every layout; both dtypes share the shader).
    { name: '1x1x1', M: 1, K: 1, N: 1, f16: true },
    { name: 'vector times matrix', M: 1, K: 37, N: 65 },
    { name: 'matrix times vector', M: 67, K: 33, N: 1 },
    { name: 'odd sizes', M: 65, K: 17, N: 70, f16: true },
    { name: 'K not a multiple of 16, alpha and bias', M: 30, K: 130, N: 9, alpha: -0.5, bias: true, f16: true },
    { name: 'transposeA', M: 19, K: 23, N: 66, transposeA: true },
    { name: 'transposeB', M: 64, K: 31, N: 5, transposeB: true },
    { name: 'both transposed with bias', M: 7, K: 40, N: 13, transposeA: true, transposeB: true, bias: true },
    { name: 'batched', batch: 3, M: 9, K: 21, N: 11 },
    { name: 'batched, 2-D b broadcast, transposeB', batch: 4, broadcastB: true, M: 5, K: 18, N: 66, transposeB: true, alpha: 2, f16: true },
  ];

  for (const dtype of ['f32', 'f16'] as const) {
    for (const c of cases.filter((x) => dtype === 'f32' || x.f16)) {
      it(`${dtype}: ${c.name} (M=${c.M}, K=${c.K}, N=${c.N})`, async () => {
        if (dtype === 'f16' && !gpu().features.shaderF16) throw new Error('Dawn/lavapipe should expose shader-f16');
        const rng = new SeededRandom(c.M * 1000 + c.K * 10 + c.N);
        const batch = c.batch ?? 1;
        const round = dtype === 'f16' ? roundToFloat16 : (x: Float32Array) => x;
        const a = round(rng.uniformArray(batch * c.M * c.K));
        const b = round(rng.uniformArray((c.broadcastB ? 1 : batch) * c.K * c.N));
        const bias = c.bias ? round(rng.uniformArray(c.N)) : undefined;
        const aShape = c.transposeA ? [c.K, c.M] : [c.M, c.K];
        const bShape = c.transposeB ? [c.N, c.K] : [c.K, c.N];
        const ta = Tensor.from(gpu(), a, c.batch ? [batch, ...aShape] : aShape, dtype);
        const tb = Tensor.from(gpu(), b, c.batch && !c.broadcastB ? [batch, ...bShape] : bShape, dtype);
        const tbias = bias ? Tensor.from(gpu(), bias, [c.N], dtype) : undefined;
        const out = await matmul(gpu(), ta, tb, { transposeA: c.transposeA, transposeB: c.transposeB, alpha: c.alpha, bias: tbias });
        expect(out.shape).toEqual(c.batch ? [batch, c.M, c.N] : [c.M, c.N]);
        const expected = matmulReference(a, b, c.M, c.K, c.N, { transposeA: c.transposeA, transposeB: c.transposeB, alpha: c.alpha, bias, batch });
        const [atol, rtol] = TOLERANCE[dtype];
        expectClose(await out.read(), round(expected), atol, rtol);
        [ta, tb, out, tbias].forEach((t) => t?.dispose());
      });
    }
  }

  it('folds more than 65535 output tiles into a 2-D grid, and the shader skips surplus workgroups', async () => {
    // Geometry only (running 65 537 workgroups takes ~20 s on lavapipe).
    const wide = matmulProgram(gpu(), Tensor.empty(gpu(), [1, 1]), Tensor.empty(gpu(), [1, 65_537 * 64]), Tensor.empty(gpu(), [1, 65_537 * 64]));
    const [x, y = 1] = wide.workgroups;
    expect(y).toBeGreaterThan(1);
    expect(x * y).toBeGreaterThanOrEqual(65_537);
    // The same shader on a hand-folded grid: 3 x 3 tiles dispatched as 4 x 3 workgroups.
    const rng = new SeededRandom(9);
    const a = rng.uniformArray(129 * 7);
    const b = rng.uniformArray(7 * 150);
    const out = Tensor.empty(gpu(), [129, 150]);
    const program = matmulProgram(gpu(), Tensor.from(gpu(), a, [129, 7]), Tensor.from(gpu(), b, [7, 150]), out);
    await new CommandBatch(gpu()).dispatch({ ...program, workgroups: [4, 3, 1] }).submit();
    expectClose(await out.read(), matmulReference(a, b, 129, 7, 150), 1e-5, 1e-5);
  });

  it('writes into a given out tensor', async () => {
    const a = Tensor.from(gpu(), [1, 2, 3, 4, 5, 6], [2, 3]);
    const b = Tensor.from(gpu(), [1, 0, 0, 1, 1, 1], [3, 2]);
    const out = Tensor.empty(gpu(), [2, 2]);
    const result = await matmul(gpu(), a, b, { out });
    expect(result).toBe(out);
    expect(Array.from(await out.read())).toEqual([4, 5, 10, 11]);
  });

  it('rejects mismatched inner dimensions naming both shapes', async () => {
    const a = Tensor.empty(gpu(), [4, 5]);
    const b = Tensor.empty(gpu(), [6, 3]);
    await expect(matmul(gpu(), a, b)).rejects.toThrow(ShapeError);
    await expect(matmul(gpu(), a, b)).rejects.toThrow(/\[4, 5\].*\[6, 3\]/);
  });

  it('rejects mismatched batches, dtypes, bias and out shapes', async () => {
    await expect(matmul(gpu(), Tensor.empty(gpu(), [2, 4, 5]), Tensor.empty(gpu(), [3, 5, 2]))).rejects.toThrow(/batch sizes differ/);
    await expect(matmul(gpu(), Tensor.empty(gpu(), [4]), Tensor.empty(gpu(), [4, 2]))).rejects.toThrow(ShapeError);
    await expect(matmul(gpu(), Tensor.empty(gpu(), [4, 5], 'u32'), Tensor.empty(gpu(), [5, 2], 'u32'))).rejects.toThrow(/f32 or two f16/);
    await expect(matmul(gpu(), Tensor.empty(gpu(), [4, 5]), Tensor.empty(gpu(), [5, 2]), { bias: Tensor.empty(gpu(), [3]) })).rejects.toThrow(/bias/);
    await expect(matmul(gpu(), Tensor.empty(gpu(), [4, 5]), Tensor.empty(gpu(), [5, 2]), { out: Tensor.empty(gpu(), [2, 4]) }).then((t) => t.shape)).resolves.toEqual([2, 4]);
    await expect(matmul(gpu(), Tensor.empty(gpu(), [4, 5]), Tensor.empty(gpu(), [5, 2]), { out: Tensor.empty(gpu(), [3, 3]) })).rejects.toThrow(/out must be f32 \[4, 2\]/);
    const square = Tensor.empty(gpu(), [3, 3]);
    await expect(matmul(gpu(), square, square, { out: square })).rejects.toThrow(/must not share/);
  });
});
