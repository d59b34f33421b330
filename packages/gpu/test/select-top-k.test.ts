import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, CommandBatch, selectTopK, selectTopKPlan, mergeTopKPlan, readTopK, selectTopKReference, topKPasses, topKRounds, topKKernelFor, decodeTopKKeys, axpbyProgram, InvalidInputError, ShapeError, type TopKKernel } from '../src';
import { useGpu } from '../testing';

// Top-k is exact: values (decoded from order keys, bit-exact f32) and indices must equal the
// reference, including tie order (lower index first), for both kernels behind selectTopK.

describe('selectTopK (k selection rounds or chunked multi-pass selection)', () => {
  const gpu = useGpu('selectTopK');

  /** Checks the kernel selectTopK picks and, where it takes k, every other kernel too. */
  async function expectMatches(scores: Float32Array, rows: number, n: number, k: number, largest: boolean) {
    const tensor = Tensor.from(gpu(), scores, rows === 1 ? [n] : [rows, n]);
    const expected = selectTopKReference(scores, rows, n, k, largest);
    const kernels: Array<TopKKernel | undefined> = [undefined, 'rounds', ...(k <= 1024 ? (['passes'] as const) : [])];
    // Rounds scan every row k times: keep forced runs to sizes lavapipe does quickly.
    for (const kernel of kernels.filter((kernel) => kernel !== 'rounds' || rows * n * k <= 4e7)) {
      const actual = await selectTopK(gpu(), tensor, k, { largest, kernel });
      expect(actual.indices.length).toBe(rows * k);
      expect(Array.from(actual.indices), `kernel ${kernel ?? topKKernelFor(n, k)}`).toEqual(Array.from(expected.indices));
      expect(Array.from(actual.values), `kernel ${kernel ?? topKKernelFor(n, k)}`).toEqual(Array.from(expected.values));
    }
    tensor.dispose();
  }

  it('picks rounds for small k or short rows, passes otherwise', () => {
    expect(topKKernelFor(100_000, 10)).toBe('rounds');
    expect(topKKernelFor(100_000, 32)).toBe('rounds');
    expect(topKKernelFor(100_000, 33)).toBe('passes');
    expect(topKKernelFor(4096, 64)).toBe('rounds');
    expect(topKKernelFor(4097, 64)).toBe('passes');
    expect(topKKernelFor(100_000, 1024)).toBe('passes');
    expect(topKKernelFor(100_000, 1025)).toBe('rounds');
  });

  const cases: Array<[rows: number, n: number, k: number]> = [
    [1, 1, 1],
    [1, 7, 3],
    [3, 255, 1],
    [2, 257, 10],
    [4, 1000, 100],
    [1, 5000, 300],
    [2, 70_001, 10],
    [1, 40_000, 1024], // 3 chunks, then a merge pass; 1024 kept entries, 512-entry queue
    [5, 1025, 1024],
    [2, 3000, 1500], // past the multi-pass limit: rounds only
  ];
  for (const [rows, n, k] of cases) {
    for (const largest of [true, false]) {
      it(`[${rows}, ${n}] k=${k} ${largest ? 'largest' : 'smallest'}`, async () => {
        const rng = new SeededRandom(rows * 13 + n + k);
        await expectMatches(rng.normalArray(rows * n), rows, n, k, largest);
      });
    }
  }

  it('breaks ties by lower index (few distinct values, across chunks)', async () => {
    const rng = new SeededRandom(3);
    const n = 20_000; // several chunks of the first pass
    const scores = Float32Array.from({ length: 2 * n }, () => rng.int(5));
    for (const k of [1, 7, 300]) {
      for (const largest of [true, false]) await expectMatches(scores, 2, n, k, largest);
    }
    const equal = new Float32Array(600).fill(1.5);
    const result = await selectTopK(gpu(), Tensor.from(gpu(), equal, [600]), 5);
    expect(Array.from(result.indices)).toEqual([0, 1, 2, 3, 4]);
  });

  it('plans several passes for long rows and k = 1024', () => {
    expect(topKPasses(40_000, 1024).passes.map((p) => p.chunks)).toEqual([3, 1]);
    expect(topKPasses(40_000, 1024).best).toBe(1024);
    expect(topKPasses(10_000_000, 10).passes.length).toBe(2);
  });

  it('more than 65535 rows (2-D workgroup grid)', async () => {
    const rows = 70_000;
    const rng = new SeededRandom(17);
    const scores = Float32Array.from({ length: rows * 3 }, () => rng.int(4));
    await expectMatches(scores, rows, 3, 2, true);
  });

  it('monotone rows: every tile improves the running top-k (no tile is skipped)', async () => {
    const n = 9000;
    const ascending = Float32Array.from({ length: n }, (_, i) => i * 0.25);
    for (const k of [1, 100, 1024]) {
      await expectMatches(ascending, 1, n, k, true);
      await expectMatches(ascending, 1, n, k, false);
    }
  });

  it('handles infinities, -0 and duplicates of the best value', async () => {
    const scores = Float32Array.from([0, -0, Infinity, -Infinity, 3, Infinity, -2, -0, 1e-30, -1e-30]);
    await expectMatches(scores, 1, scores.length, 10, true);
    await expectMatches(scores, 1, scores.length, 4, false);
  });

  it('n ~ 2.5 million in one row (multi-pass chunked path), k = 10 and 100', async () => {
    const n = 2_500_003;
    const { passes } = topKPasses(n, 100);
    expect(passes.length).toBeGreaterThan(1);
    const scores = new SeededRandom(11).uniformArray(n, -1, 1);
    for (const k of [10, 100]) await expectMatches(scores, 1, n, k, k === 10);
  });

  it('runs from a plan batched after the kernel that produces the scores (scores stay on the GPU)', async () => {
    const rng = new SeededRandom(23);
    const a = rng.uniformArray(2 * 3000);
    const b = rng.uniformArray(2 * 3000);
    const ta = Tensor.from(gpu(), a, [2, 3000]);
    const tb = Tensor.from(gpu(), b, [2, 3000]);
    const scores = Tensor.empty(gpu(), [2, 3000]);
    const plan = selectTopKPlan(gpu(), scores, 25, { largest: false });
    const batch = new CommandBatch(gpu()).dispatch(axpbyProgram(ta, tb, scores, 1, -1));
    for (const program of plan.programs) batch.dispatch(program);
    await batch.submit();
    const result = await readTopK(gpu(), plan);
    plan.dispose();
    const expected = selectTopKReference(Float32Array.from(a, (x, i) => x - b[i]), 2, 3000, 25, false);
    expect(Array.from(result.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(result.values)).toEqual(Array.from(expected.values));
  });

  it('rejects NaN scores with a typed error naming the position', async () => {
    const scores = new SeededRandom(2).uniformArray(3 * 400);
    scores[400 + 17] = NaN;
    scores[800 + 5] = NaN;
    const tensor = Tensor.from(gpu(), scores, [3, 400]);
    for (const kernel of ['rounds', 'passes'] as const) {
      await expect(selectTopK(gpu(), tensor, 5, { kernel })).rejects.toThrow(InvalidInputError);
      await expect(selectTopK(gpu(), tensor, 5, { kernel })).rejects.toThrow(/2 NaN value\(s\); the first is at row 1, column 17/);
    }
    expect(() => selectTopKReference(scores, 3, 400, 5)).toThrow(InvalidInputError);
  });

  it('rounds over long rows: chunks selected in parallel, then merged (NaN in a later chunk reported at its position)', async () => {
    expect(topKRounds(100_000, 10).map((p) => p.chunks)).toEqual([25, 1]);
    expect(topKRounds(4096, 10).map((p) => p.chunks)).toEqual([1]);
    const scores = new SeededRandom(5).uniformArray(2 * 9000);
    await expectMatches(scores, 2, 9000, 10, true);
    scores[9000 + 6001] = NaN;
    await expect(selectTopK(gpu(), Tensor.from(gpu(), scores, [2, 9000]), 10, { kernel: 'rounds' })).rejects.toThrow(/1 NaN value\(s\); the first is at row 1, column 6001/);
  });

  it('merges k-best lists given as order keys with their indices (mergeTopKPlan)', async () => {
    // Two lists per row from two blocks of a row of 600 entries: [0, 300) and [300, 600).
    const rng = new SeededRandom(8);
    const scores = Float32Array.from({ length: 2 * 600 }, () => rng.int(20));
    const half = (r: number, b: number) => scores.slice(r * 600 + b * 300, r * 600 + b * 300 + 300);
    const keys = new Uint32Array(2 * 2 * 8);
    const indices = new Uint32Array(2 * 2 * 8);
    for (let b = 0; b < 2; b++) {
      const part = await selectTopK(gpu(), Tensor.from(gpu(), Float32Array.from([...half(0, b), ...half(1, b)]), [2, 300]), 8);
      for (let r = 0; r < 2; r++) {
        for (let j = 0; j < 8; j++) {
          const value = new Float32Array([part.values[r * 8 + j]]);
          const bits = new Uint32Array(value.buffer)[0];
          keys[r * 16 + b * 8 + j] = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
          indices[r * 16 + b * 8 + j] = part.indices[r * 8 + j] + b * 300;
        }
      }
    }
    const plan = mergeTopKPlan(gpu(), Tensor.from(gpu(), keys, [2, 16], 'u32'), Tensor.from(gpu(), indices, [2, 16], 'u32'), 8);
    const batch = new CommandBatch(gpu());
    for (const program of plan.programs) batch.dispatch(program);
    await batch.submit();
    const merged = await readTopK(gpu(), plan);
    plan.dispose();
    const expected = selectTopKReference(scores, 2, 600, 8, true);
    expect(Array.from(merged.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(merged.values)).toEqual(Array.from(expected.values));
  });

  it('rejects k < 1, k > n, a forced multi-pass k > 1024 and bad shapes', async () => {
    const tensor = Tensor.from(gpu(), new Float32Array(2000), [2, 1000]);
    await expect(selectTopK(gpu(), tensor, 0)).rejects.toThrow(InvalidInputError);
    await expect(selectTopK(gpu(), tensor, 1001)).rejects.toThrow(/\[1, 1000\], got 1001/);
    await expect(selectTopK(gpu(), Tensor.from(gpu(), new Float32Array(3000), [3000]), 1025, { kernel: 'passes' })).rejects.toThrow(InvalidInputError);
    await expect(selectTopK(gpu(), tensor, 2.5)).rejects.toThrow(InvalidInputError);
    await expect(selectTopK(gpu(), Tensor.empty(gpu(), [4, 4], 'u32'), 1)).rejects.toThrow(ShapeError);
    await expect(selectTopK(gpu(), Tensor.empty(gpu(), [2, 2, 2]), 1)).rejects.toThrow(ShapeError);
  });

  it('decodes order keys back to the exact scores', () => {
    const values = Float32Array.from([-Infinity, -3.5, -1e-40, 0, 1e-40, 2, Infinity]);
    const bits = new Uint32Array(values.buffer);
    const largestKeys = bits.map((b) => (b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0));
    expect(Array.from(decodeTopKKeys(largestKeys, true))).toEqual(Array.from(values));
    expect(Array.from(decodeTopKKeys(largestKeys.map((k) => ~k >>> 0), false))).toEqual(Array.from(values));
  });
});
