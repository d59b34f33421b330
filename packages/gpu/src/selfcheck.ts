/**
 * Kernel self-checks: every WGSL kernel against its TypeScript reference on seeded random and
 * edge-case inputs. Run by the Node test suite and, unchanged, by the browser check page
 * (demo/kernels.html) so e2e can compare Chromium's results with Node's.
 */
import type { GpuContext } from './device';
import { compareArrays } from './compare';
import { SeededRandom } from './random';
import { Tensor } from './tensor';
import { roundToFloat16 } from './half';
import { axpby, axpbyReference } from './kernels/axpby';
import { matmul, matmulReference, type MatmulTile } from './kernels/matmul';
import { softmax, softmaxReference } from './kernels/softmax';
import { layerNorm, layerNormReference } from './kernels/layer-norm';
import { gelu, quickGelu, geluReference, quickGeluReference } from './kernels/gelu';
import { CsrMatrix } from './kernels/csr-matrix';
import { csrMatmul, csrMatmulReference } from './kernels/csr-matmul';
import { selectTopK, selectTopKReference, type TopKKernel } from './kernels/select-top-k';

export interface KernelCheckResult {
  kernel: string;
  caseName: string;
  dtype: 'f32' | 'f16';
  maxAbsError: number;
  maxRelError: number;
  atol: number;
  rtol: number;
  ok: boolean;
  /** Sum of the GPU output: Node and browser runs of the same case must agree on it. */
  checksum: number;
}

export interface KernelCheck {
  kernel: string;
  caseName: string;
  /** Runs the GPU kernel and the TS reference; returns [gpu output, reference output, atol, rtol]. */
  run(ctx: GpuContext, dtype: 'f32' | 'f16'): Promise<{ actual: ArrayLike<number>; expected: ArrayLike<number>; atol: number; rtol: number }>;
}

/** Registry of checks; each kernel module's cases are listed here. */
export const kernelChecks: KernelCheck[] = [];

export function registerCheck(check: KernelCheck): void {
  kernelChecks.push(check);
}

// --- axpby ---
for (const n of [1, 257, 4099]) {
  registerCheck({
    kernel: 'axpby',
    caseName: `n=${n}`,
    async run(ctx, dtype) {
      const rng = new SeededRandom(1000 + n);
      const a = rng.uniformArray(n, -3, 3);
      const b = rng.uniformArray(n, -3, 3);
      const ta = Tensor.from(ctx, a, [n], dtype);
      const tb = Tensor.from(ctx, b, [n], dtype);
      const out = await axpby(ctx, ta, tb, 0.75, -1.25);
      const actual = await out.read();
      [ta, tb, out].forEach((t) => t.dispose());
      const round = dtype === 'f16' ? roundToFloat16 : (x: Float32Array) => x;
      const expected = round(axpbyReference(round(a), round(b), 0.75, -1.25));
      return { actual, expected, atol: dtype === 'f16' ? 1e-2 : 1e-5, rtol: dtype === 'f16' ? 2e-3 : 1e-6 };
    },
  });
}

const identity = (x: Float32Array) => x;
const roundFor = (dtype: 'f32' | 'f16') => (dtype === 'f16' ? roundToFloat16 : identity);
/** f32 / f16 tolerances: f16 outputs are rounded once to f16 (2^-11 relative). */
const tolerance = (dtype: 'f32' | 'f16', f32: [number, number], f16: [number, number] = [1e-3, 2e-3]) => {
  const [atol, rtol] = dtype === 'f16' ? f16 : f32;
  return { atol, rtol };
};

// --- matmul (every tile variant; vec4 and element loads) ---
const matmulCases: Array<{
  M: number;
  K: number;
  N: number;
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  alpha?: number;
  batch?: number;
  tile?: MatmulTile;
  activation?: 'gelu' | 'quickGelu';
  residual?: boolean;
}> = [
  { M: 1, K: 1, N: 1 },
  { M: 33, K: 19, N: 65, transposeB: true, bias: true },
  { M: 17, K: 40, N: 9, transposeA: true, alpha: -0.5 },
  { M: 5, K: 18, N: 7, batch: 3 },
  { M: 136, K: 36, N: 132, transposeB: true, bias: true, tile: '128x128' },
  { M: 68, K: 20, N: 72, transposeA: true, tile: '64x64' },
  { M: 37, K: 24, N: 68, tile: '32x64' },
  { M: 70, K: 36, N: 68, transposeB: true, bias: true, activation: 'gelu' },
  { M: 21, K: 16, N: 27, transposeB: true, bias: true, activation: 'quickGelu', residual: true },
];
for (const c of matmulCases) {
  registerCheck({
    kernel: 'matmul',
    caseName: `${c.batch ? `${c.batch}x` : ''}${c.M}x${c.K}x${c.N}${c.transposeA ? ' transposeA' : ''}${c.transposeB ? ' transposeB' : ''}${c.bias ? ' bias' : ''}${c.tile ? ` tile ${c.tile}` : ''}${c.activation ? ` ${c.activation}` : ''}${c.residual ? ' residual' : ''}`,
    async run(ctx, dtype) {
      const rng = new SeededRandom(2000 + c.M * 100 + c.K + c.N);
      const round = roundFor(dtype);
      const batch = c.batch ?? 1;
      const a = round(rng.uniformArray(batch * c.M * c.K));
      const b = round(rng.uniformArray(batch * c.K * c.N));
      const bias = c.bias ? round(rng.uniformArray(c.N)) : undefined;
      const residual = c.residual ? round(rng.uniformArray(batch * c.M * c.N, -4, 4)) : undefined;
      const aShape = c.transposeA ? [c.K, c.M] : [c.M, c.K];
      const bShape = c.transposeB ? [c.N, c.K] : [c.K, c.N];
      const ta = Tensor.from(ctx, a, c.batch ? [batch, ...aShape] : aShape, dtype);
      const tb = Tensor.from(ctx, b, c.batch ? [batch, ...bShape] : bShape, dtype);
      const tbias = bias ? Tensor.from(ctx, bias, [c.N], dtype) : undefined;
      const tresidual = residual ? Tensor.from(ctx, residual, c.batch ? [batch, c.M, c.N] : [c.M, c.N], dtype) : undefined;
      const options = { transposeA: c.transposeA, transposeB: c.transposeB, alpha: c.alpha, bias: tbias, tile: c.tile, activation: c.activation, residual: tresidual };
      const out = await matmul(ctx, ta, tb, options);
      const actual = await out.read();
      [ta, tb, tbias, tresidual, out].forEach((t) => t?.dispose());
      const expected = round(matmulReference(a, b, c.M, c.K, c.N, { ...c, bias, residual }));
      return { actual, expected, ...tolerance(dtype, [1e-4, 1e-5]) };
    },
  });
}

// --- softmax and layerNorm ---
for (const [rows, n] of [[1, 1], [3, 257], [9, 20]]) {
  registerCheck({
    kernel: 'softmax',
    caseName: `[${rows}, ${n}]`,
    async run(ctx, dtype) {
      const round = roundFor(dtype);
      const x = round(new SeededRandom(3000 + rows * n).uniformArray(rows * n, -6, 6));
      const tx = Tensor.from(ctx, x, [rows, n], dtype);
      const out = await softmax(ctx, tx);
      const actual = await out.read();
      [tx, out].forEach((t) => t.dispose());
      return { actual, expected: round(softmaxReference(x, rows, n)), ...tolerance(dtype, [1e-6, 1e-5]) };
    },
  });
  registerCheck({
    kernel: 'layerNorm',
    caseName: `[${rows}, ${n}]`,
    async run(ctx, dtype) {
      const round = roundFor(dtype);
      const rng = new SeededRandom(4000 + rows * n);
      const x = round(rng.uniformArray(rows * n, 1, 4));
      const gamma = round(rng.uniformArray(n, 0.5, 1.5));
      const beta = round(rng.uniformArray(n, -1, 1));
      const tensors = [Tensor.from(ctx, x, [rows, n], dtype), Tensor.from(ctx, gamma, [n], dtype), Tensor.from(ctx, beta, [n], dtype)];
      const out = await layerNorm(ctx, tensors[0], tensors[1], tensors[2], 1e-5);
      const actual = await out.read();
      [...tensors, out].forEach((t) => t.dispose());
      return { actual, expected: round(layerNormReference(x, gamma, beta, rows, n, 1e-5)), ...tolerance(dtype, [2e-5, 1e-5], [4e-3, 2e-3]) };
    },
  });
}

// --- gelu and quickGelu ---
for (const [kernel, op, reference] of [['gelu', gelu, geluReference], ['quickGelu', quickGelu, quickGeluReference]] as const) {
  registerCheck({
    kernel,
    caseName: 'n=1001 in [-8, 8]',
    async run(ctx, dtype) {
      const round = roundFor(dtype);
      const x = round(new SeededRandom(kernel === 'gelu' ? 5001 : 5002).uniformArray(1001, -8, 8));
      const tx = Tensor.from(ctx, x, [1001], dtype);
      const out = await op(ctx, tx);
      const actual = await out.read();
      [tx, out].forEach((t) => t.dispose());
      return { actual, expected: round(reference(x)), ...tolerance(dtype, [1e-6, 1e-6]) };
    },
  });
}

// --- csrMatmul (f32 only: the dtype argument does not apply) ---
registerCheck({
  kernel: 'csrMatmul',
  caseName: '[40, 33] @ [33, 3], 10% dense, with addend',
  async run(ctx) {
    const rows = 40;
    const cols = 33;
    const width = 3;
    const rng = new SeededRandom(6000);
    const rowPtr = new Uint32Array(rows + 1);
    const colIndex: number[] = [];
    const values: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (rng.next() < 0.1) {
          colIndex.push(c);
          values.push(rng.next() * 2 - 1);
        }
      }
      rowPtr[r + 1] = colIndex.length;
    }
    const dense = rng.uniformArray(cols * width);
    const addend = rng.uniformArray(rows * width);
    const csr = CsrMatrix.fromArrays(ctx, rows, cols, rowPtr, Uint32Array.from(colIndex), Float32Array.from(values));
    const tensors = [Tensor.from(ctx, dense, [cols, width]), Tensor.from(ctx, addend, [rows, width])];
    const out = await csrMatmul(ctx, csr, tensors[0], { alpha: -0.3, beta: 1, addend: tensors[1] });
    const actual = await out.read();
    [...tensors, out].forEach((t) => t.dispose());
    csr.dispose();
    const expected = csrMatmulReference(rows, cols, rowPtr, colIndex, values, dense, width, { alpha: -0.3, beta: 1, addend });
    return { actual, expected, atol: 1e-5, rtol: 1e-5 };
  },
});

// --- selectTopK, both kernels (f32 scores only; exact: values then indices, zero tolerance) ---
const topKCases = [
  [2, 3001, 10, true, 'rounds'],
  [1, 700, 300, false, 'passes'],
  [1, 1100, 1024, true, 'passes'],
  [2, 900, 40, true, 'rounds'],
] as const satisfies ReadonlyArray<readonly [number, number, number, boolean, TopKKernel]>;
for (const [rows, n, k, largest, kernel] of topKCases) {
  registerCheck({
    kernel: `selectTopK.${kernel}`,
    caseName: `[${rows}, ${n}] k=${k} ${largest ? 'largest' : 'smallest'}`,
    async run(ctx) {
      const rng = new SeededRandom(7000 + n + k);
      // Rounded to 1/8 so there are ties, which must break by lower index.
      const scores = Float32Array.from({ length: rows * n }, () => Math.round(rng.normal() * 64) / 8);
      const tensor = Tensor.from(ctx, scores, [rows, n]);
      const result = await selectTopK(ctx, tensor, k, { largest, kernel });
      tensor.dispose();
      const expected = selectTopKReference(scores, rows, n, k, largest);
      const concat = (values: Float32Array, indices: Uint32Array) => Float64Array.from([...values, ...indices]);
      return { actual: concat(result.values, result.indices), expected: concat(expected.values, expected.indices), atol: 0, rtol: 0 };
    },
  });
}

/** Runs every registered check (optionally only kernels whose name is in `only`). */
export async function runKernelChecks(
  ctx: GpuContext,
  options: { dtype?: 'f32' | 'f16'; only?: string[] } = {},
): Promise<KernelCheckResult[]> {
  const dtype = options.dtype ?? 'f32';
  const results: KernelCheckResult[] = [];
  for (const check of kernelChecks) {
    if (options.only && !options.only.includes(check.kernel)) continue;
    const { actual, expected, atol, rtol } = await check.run(ctx, dtype);
    const closeness = compareArrays(actual, expected, atol, rtol);
    let checksum = 0;
    for (let i = 0; i < actual.length; i++) checksum += actual[i];
    results.push({
      kernel: check.kernel,
      caseName: check.caseName,
      dtype,
      maxAbsError: closeness.maxAbsError,
      maxRelError: closeness.maxRelError,
      atol,
      rtol,
      ok: closeness.ok,
      checksum,
    });
  }
  return results;
}
