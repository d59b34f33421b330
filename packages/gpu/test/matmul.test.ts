import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, CommandBatch, MATMUL_TILES, matmul, matmulProgram, matmulReference, matmulTileFor, matmulTileSize, roundToFloat16, ShapeError, type MatmulTile } from '../src';
import { expectClose, useGpu } from '../testing';

// Tolerances: f32 accumulates in a different order than the double reference: atol 1e-4 for
// K <= 130 and values in [-1, 1]. f16 storage: inputs are rounded to f16 for the reference and
// the output is rounded once to f16 (relative 2^-11), accumulation is f32: atol 1e-3, rtol 2e-3 (one f16 ulp is 2^-10 relative).
const TOLERANCE = { f32: [1e-4, 1e-5], f16: [1e-3, 2e-3] } as const;

describe('matmul (tiled, f32 and f16 storage)', () => {
  const gpu = useGpu('matmul');

  type Case = {
    name: string;
    batch?: number;
    broadcastA?: boolean;
    broadcastB?: boolean;
    M: number;
    K: number;
    N: number;
    transposeA?: boolean;
    transposeB?: boolean;
    alpha?: number;
    bias?: boolean;
    tile?: MatmulTile;
    activation?: 'gelu' | 'quickGelu';
    residual?: boolean;
    f16?: boolean;
  };
  const cases: Case[] = [
    // f16 runs the cases marked f16 (the f32 cases cover every layout; both dtypes share the shader).
    { name: '1x1x1', M: 1, K: 1, N: 1, f16: true },
    { name: 'vector times matrix', M: 1, K: 37, N: 65 },
    { name: 'matrix times vector', M: 67, K: 33, N: 1 },
    { name: 'K = 1 (outer product)', M: 9, K: 1, N: 12, bias: true },
    { name: 'odd sizes', M: 65, K: 17, N: 70, f16: true },
    { name: 'primes past one 128x128 tile', M: 131, K: 53, N: 137, tile: '128x128', f16: true },
    { name: 'K not a multiple of 16, alpha and bias', M: 30, K: 130, N: 9, alpha: -0.5, bias: true, f16: true },
    { name: 'transposeA', M: 19, K: 23, N: 66, transposeA: true },
    { name: 'transposeA, M a multiple of 4 (vec4 loads)', M: 20, K: 23, N: 66, transposeA: true, tile: '32x64' },
    { name: 'transposeB', M: 64, K: 31, N: 5, transposeB: true },
    { name: 'transposeB, K a multiple of 4 (vec4 loads), bias', M: 70, K: 36, N: 68, transposeB: true, bias: true, tile: '64x64', f16: true },
    { name: 'both transposed with bias', M: 7, K: 40, N: 13, transposeA: true, transposeB: true, bias: true },
    { name: 'batched', batch: 3, M: 9, K: 21, N: 11 },
    { name: 'batched, 2-D b broadcast, transposeB', batch: 4, broadcastB: true, M: 5, K: 18, N: 66, transposeB: true, alpha: 2, f16: true },
    { name: 'batched, 2-D a broadcast, aligned', batch: 3, broadcastA: true, M: 12, K: 20, N: 72, bias: true, tile: '128x128' },
    // The fused epilogue as the encoder uses it: x @ W^T + b, then GELU (fc1) or + residual (fc2).
    { name: 'fused GELU (fc1)', M: 70, K: 36, N: 68, transposeB: true, bias: true, activation: 'gelu', f16: true },
    { name: 'fused QuickGELU, unaligned', M: 13, K: 19, N: 23, transposeB: true, bias: true, activation: 'quickGelu', tile: '64x64' },
    { name: 'fused residual (fc2)', M: 37, K: 40, N: 36, transposeB: true, bias: true, residual: true, tile: '128x128', f16: true },
    { name: 'fused GELU and residual, batched, unaligned', batch: 2, M: 9, K: 11, N: 15, alpha: 0.5, activation: 'gelu', residual: true },
  ];
  // Every tile variant on every layout, with every contiguous axis a multiple of 4 (vec4 loads
  // and stores) and with none (element loads; rows that straddle vec4 slots).
  for (const tile of Object.keys(MATMUL_TILES) as MatmulTile[]) {
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
      for (const [M, K, N] of [[36, 44, 72], [37, 45, 71]]) {
        const layout = `${transposeA ? 'aT' : 'a'} ${transposeB ? 'bT' : 'b'}`;
        cases.push({ name: `${tile} ${layout}`, M: tile === '128x128' ? M + 100 : M, K, N: tile === '128x128' ? N + 100 : N, transposeA, transposeB, bias: true, tile, f16: !transposeA });
      }
    }
  }

  for (const dtype of ['f32', 'f16'] as const) {
    for (const c of cases.filter((x) => dtype === 'f32' || x.f16)) {
      it(`${dtype}: ${c.name} (M=${c.M}, K=${c.K}, N=${c.N})`, async () => {
        if (dtype === 'f16' && !gpu().features.shaderF16) throw new Error('Dawn/lavapipe should expose shader-f16');
        const rng = new SeededRandom(c.M * 1000 + c.K * 10 + c.N);
        const batch = c.batch ?? 1;
        const round = dtype === 'f16' ? roundToFloat16 : (x: Float32Array) => x;
        const a = round(rng.uniformArray((c.broadcastA ? 1 : batch) * c.M * c.K));
        const b = round(rng.uniformArray((c.broadcastB ? 1 : batch) * c.K * c.N));
        const bias = c.bias ? round(rng.uniformArray(c.N)) : undefined;
        const residual = c.residual ? round(rng.uniformArray(batch * c.M * c.N, -4, 4)) : undefined;
        const aShape = c.transposeA ? [c.K, c.M] : [c.M, c.K];
        const bShape = c.transposeB ? [c.N, c.K] : [c.K, c.N];
        const ta = Tensor.from(gpu(), a, c.batch && !c.broadcastA ? [batch, ...aShape] : aShape, dtype);
        const tb = Tensor.from(gpu(), b, c.batch && !c.broadcastB ? [batch, ...bShape] : bShape, dtype);
        const tbias = bias ? Tensor.from(gpu(), bias, [c.N], dtype) : undefined;
        const outShape = c.batch ? [batch, c.M, c.N] : [c.M, c.N];
        const tresidual = residual ? Tensor.from(gpu(), residual, outShape, dtype) : undefined;
        const options = { transposeA: c.transposeA, transposeB: c.transposeB, alpha: c.alpha, bias: tbias, tile: c.tile, activation: c.activation, residual: tresidual };
        const out = await matmul(gpu(), ta, tb, options);
        expect(out.shape).toEqual(outShape);
        if (c.tile) expect(matmulProgram(gpu(), ta, tb, out, options).name).toBe(`matmul_${dtype}_${c.tile}`);
        const expected = matmulReference(a, b, c.M, c.K, c.N, { transposeA: c.transposeA, transposeB: c.transposeB, alpha: c.alpha, bias, batch, activation: c.activation, residual });
        const [atol, rtol] = TOLERANCE[dtype];
        expectClose(await out.read(), round(expected), atol, rtol);
        [ta, tb, out, tbias, tresidual].forEach((t) => t?.dispose());
      });
    }
  }

  it('picks the tile variant from the shape: 128x128 for big products, smaller tiles for few rows', () => {
    const pick = (rows: number, columns: number, batch = 1) => matmulTileFor({ rows, columns, batch });
    expect(pick(4096, 4096)).toBe('128x128');
    expect(pick(4900, 2304)).toBe('128x128'); // SAM Base windowed qkv
    expect(pick(4096, 768)).toBe('128x128'); // SAM Base proj
    expect(pick(257, 4096)).toBe('64x64'); // CLIP Base fc1: a 128-row tile would compute 384 rows
    expect(pick(257, 1024)).toBe('32x64'); // CLIP Base out_proj / fc2
    expect(pick(65, 4096)).toBe('32x64'); // CLIP Tiny fc1
    expect(pick(1, 1)).toBe('32x64');
    expect(pick(64, 64, 128)).toBe('64x64'); // many small products: the batch fills the GPU
    expect(matmulTileSize('128x128')).toEqual([128, 128]);
    expect(matmulTileSize('32x64')).toEqual([32, 64]);
  });

  it('folds more than 65535 output tiles into a 2-D grid, and the shader skips surplus workgroups', async () => {
    // Geometry only (running 65 537 workgroups takes ~20 s on lavapipe).
    const wide = matmulProgram(gpu(), Tensor.empty(gpu(), [1, 1]), Tensor.empty(gpu(), [1, 65_537 * 64]), Tensor.empty(gpu(), [1, 65_537 * 64]), { tile: '32x64' });
    const [x, y = 1] = wide.workgroups;
    expect(y).toBeGreaterThan(1);
    expect(x * y).toBeGreaterThanOrEqual(65_537);
    // The same shader on a hand-folded grid: 3 x 3 tiles of 64x64 dispatched as 4 x 3 workgroups.
    const rng = new SeededRandom(9);
    const a = rng.uniformArray(129 * 7);
    const b = rng.uniformArray(7 * 150);
    const out = Tensor.empty(gpu(), [129, 150]);
    const program = matmulProgram(gpu(), Tensor.from(gpu(), a, [129, 7]), Tensor.from(gpu(), b, [7, 150]), out, { tile: '64x64' });
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
    await expect(matmul(gpu(), Tensor.empty(gpu(), [3, 3]), Tensor.empty(gpu(), [3, 3]), { residual: square, out: square })).rejects.toThrow(/must not share/);
    await expect(matmul(gpu(), Tensor.empty(gpu(), [4, 5]), Tensor.empty(gpu(), [5, 2]), { residual: Tensor.empty(gpu(), [2, 4, 2]) })).rejects.toThrow(/residual must be f32 \[4, 2\]/);
  });
});
