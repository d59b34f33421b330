import { describe, expect, it } from 'vitest';
import { CommandBatch, SeededRandom, Tensor } from '@opticspace/gpu';
import {
  assignNearestReference,
  gpuKMeans,
  gpuKMeansSeeds,
  kmeansAssignProgram,
  kmeansIterationProgram,
  kmeansSeedRowsReference,
  kmeansUpdateProgram,
  labelSlots,
  productsProgram,
  kmeansReference,
  seedDraws,
  squaredNormsProgram,
  squaredRowNormsReference,
  updateCentroidsReference,
  type KMeansProblem,
  type Matrix,
  type SeedDraws,
} from '../src';
import { clusteredVectors } from './fixtures';
import { expectClose, useGpu } from '@opticspace/gpu/testing';

const matrix = (data: Float32Array, columns: number): Matrix => ({ data, rows: data.length / columns, columns });

function problem(points: Matrix, k: number, seed: number, iterations = 25, maxChanged = 0): KMeansProblem {
  return { points, clusters: k, draws: seedDraws(new SeededRandom(seed), points.rows, k), iterations, maxChanged };
}

describe('k-means on the GPU vs the TS reference', () => {
  const gpu = useGpu('index k-means');

  async function assign(points: Matrix, centroids: Matrix, previous?: Uint32Array) {
    const ctx = gpu();
    const k = centroids.rows;
    const tensors = {
      points: Tensor.from(ctx, points.data, [points.rows, points.columns]),
      centroids: Tensor.from(ctx, centroids.data, [k, centroids.columns]),
      norms: Tensor.from(ctx, squaredRowNormsReference(centroids), [k]),
      products: Tensor.empty(ctx, [k, points.rows]),
      labels: Tensor.from(ctx, previous ?? new Uint32Array(points.rows).fill(0xffffffff), [points.rows], 'u32'),
      status: Tensor.from(ctx, [0, 0, 0, 0], [4], 'u32'),
    };
    await new CommandBatch(ctx)
      .dispatch(productsProgram(ctx, tensors.centroids, tensors.points, tensors.products))
      .dispatch(kmeansAssignProgram(tensors.products, tensors.norms, tensors.labels, tensors.status))
      .submit();
    const labels = (await tensors.labels.read()) as Uint32Array;
    const status = (await tensors.status.read()) as Uint32Array;
    Object.values(tensors).forEach((t) => t.dispose());
    return { labels: Uint32Array.from(labels), changed: status[1] };
  }

  for (const [n, k, f] of [
    [1, 1, 1],
    [7, 3, 5],
    [65, 9, 33],
    [300, 17, 32],
  ]) {
    it(`assignment (products + argmin) n=${n} k=${k} f=${f}, counting changed labels`, async () => {
      const rng = new SeededRandom(n * 31 + k);
      const points = matrix(rng.normalArray(n * f), f);
      const centroids = matrix(rng.normalArray(k * f), f);
      const expected = await assignNearestReference(points, centroids);
      const { labels, changed } = await assign(points, centroids);
      expect(changed).toBe(n); // every label changed from "none"
      // Labels may only differ where two centroids are equally near within f32 rounding.
      for (let i = 0; i < n; i++) {
        if (labels[i] === expected[i]) continue;
        const distance = (c: number) => {
          let s = 0;
          for (let j = 0; j < f; j++) s += (points.data[i * f + j] - centroids.data[c * f + j]) ** 2;
          return s;
        };
        expect(Math.abs(distance(labels[i]) - distance(expected[i]))).toBeLessThan(1e-4 * distance(expected[i]) + 1e-6);
      }
      const again = await assign(points, centroids, labels);
      expect(again.changed).toBe(0);
    });
  }

  it('assignment breaks exact ties to the lower centroid index', async () => {
    const points = matrix(Float32Array.from([0, 0, 1, 1]), 2);
    const centroids = matrix(Float32Array.from([1, 0, -1, 0, 0, 1, 1, 1, 1, 1]), 2);
    expect(Array.from((await assign(points, centroids)).labels)).toEqual([0, 3]);
    expect(Array.from(await assignNearestReference(points, centroids))).toEqual([0, 3]);
  });

  it('rejects mismatched shapes', () => {
    const t = (shape: number[], dtype: 'f32' | 'u32' = 'f32') => Tensor.empty(gpu(), shape, dtype);
    expect(() => kmeansAssignProgram(t([2, 3]), t([3]), t([3], 'u32'), t([4], 'u32'))).toThrow(/kmeansAssign: products \[2,3\], centroid norms \[3\]/);
    expect(() => kmeansUpdateProgram(t([4, 8]), t([3], 'u32'), t([4], 'u32'), t([2, 8]), t([2], 'u32'), t([2, 8]), { first: true, last: true })).toThrow(/kmeansUpdate/);
  });

  it('iteration status: counts assignments, converges only after the first, then freezes', async () => {
    const ctx = gpu();
    const status = Tensor.from(ctx, [0, 5, 0, 0], [4], 'u32');
    const read = async () => Array.from(((await status.read()) as Uint32Array).slice(0, 3));
    await new CommandBatch(ctx).dispatch(kmeansIterationProgram(status, 10)).submit();
    expect(await read()).toEqual([1, 0, 0]); // 5 <= 10 changed, but the first assignment never converges
    status.write([1, 11, 0, 0]);
    await new CommandBatch(ctx).dispatch(kmeansIterationProgram(status, 10)).submit();
    expect(await read()).toEqual([2, 0, 0]);
    status.write([2, 10, 0, 0]);
    await new CommandBatch(ctx).dispatch(kmeansIterationProgram(status, 10)).dispatch(kmeansIterationProgram(status, 10)).submit();
    expect(await read()).toEqual([3, 0, 1]);
    status.dispose();
  });

  for (const [n, k, f, blockRows] of [
    [130, 5, 12, 130],
    [301, 17, 33, 100],
    [70, 4, 8, 16],
  ]) {
    it(`update (per-cluster sums by label, in blocks of ${blockRows}) matches updateCentroidsReference n=${n} k=${k} f=${f}`, async () => {
      const ctx = gpu();
      const points = matrix(clusteredVectors(n + k, n, f, Math.max(1, k - 1)), f);
      const rng = new SeededRandom(n);
      // Cluster k - 1 stays empty: it keeps its previous centre.
      const labels = Uint32Array.from({ length: n }, () => rng.int(Math.max(1, k - 1)));
      const previous = matrix(rng.normalArray(k * f), f);
      const expected = updateCentroidsReference(points, labels, previous);
      const chunks = f % 4 === 0 ? f / 4 : f;
      const centroids = Tensor.from(ctx, previous.data, [k, f]);
      const sums = Tensor.empty(ctx, [k, f]);
      const counts = Tensor.empty(ctx, [k * Math.ceil(chunks / 64)], 'u32');
      const status = Tensor.from(ctx, [0, 0, 0, 0], [4], 'u32');
      const owned = [centroids, sums, counts, status];
      const batch = new CommandBatch(ctx);
      for (let start = 0; start < n; start += blockRows) {
        const end = Math.min(n, start + blockRows);
        const blockPoints = Tensor.from(ctx, points.data.subarray(start * f, end * f), [end - start, f]);
        const slots = labelSlots(end - start);
        const padded = new Uint32Array(slots).fill(k - 1); // slots past the block's points are never counted
        padded.set(labels.subarray(start, end));
        const blockLabels = Tensor.from(ctx, padded, [slots], 'u32');
        owned.push(blockPoints, blockLabels);
        batch.dispatch(kmeansUpdateProgram(blockPoints, blockLabels, status, sums, counts, centroids, { first: start === 0, last: end === n }));
      }
      await batch.submit();
      const actual = (await centroids.read()) as Float32Array;
      expectClose(actual, expected.data, 1e-5, 1e-5, 'centroids');
      expect(Array.from(actual.slice((k - 1) * f))).toEqual(Array.from(previous.data.slice((k - 1) * f)));
      owned.forEach((t) => t.dispose());
    });
  }

  it('squared norms kernel', async () => {
    const values = matrix(new SeededRandom(4).normalArray(67 * 9), 9);
    const norms = Tensor.empty(gpu(), [67]);
    await new CommandBatch(gpu()).dispatch(squaredNormsProgram(Tensor.from(gpu(), values.data, [67, 9]), norms)).submit();
    expectClose((await norms.read()) as Float32Array, squaredRowNormsReference(values), 1e-5, 1e-6, 'norms');
  });

  const seedCases: Array<[string, Matrix, number, number | undefined]> = [
    ['one centre', matrix(new SeededRandom(1).normalArray(5 * 3), 3), 1, undefined],
    ['7 points, 3 centres, f = 5', matrix(new SeededRandom(2).normalArray(7 * 5), 5), 3, undefined],
    ['700 clustered points (3 groups of 256), 20 centres, f = 32', matrix(clusteredVectors(3, 700, 32, 12), 32), 20, undefined],
    ['700 points in blocks of 100 rows, 20 centres', matrix(clusteredVectors(3, 700, 32, 12), 32), 20, 100 * 32 * 4],
    ['600 points, 40 centres, f = 19 (scalar loads), blocks of 250 rows', matrix(clusteredVectors(4, 600, 19, 30), 19), 40, 250 * 40 * 4],
  ];
  for (const [name, points, k, limit] of seedCases) {
    it(`k-means++ seeding picks the reference's rows: ${name}`, async () => {
      const draws = seedDraws(new SeededRandom(points.rows + k), points.rows, k);
      const expected = kmeansSeedRowsReference(points, k, draws);
      const seeds = await gpuKMeansSeeds(gpu(), points, k, draws, limit);
      expect(Array.from(seeds.rows)).toEqual(Array.from(expected));
      const centres = new Float32Array(k * points.columns);
      expected.forEach((row, s) => centres.set(points.data.subarray(row * points.columns, (row + 1) * points.columns), s * points.columns));
      expect(Array.from(seeds.centres.data)).toEqual(Array.from(centres));
    });
  }

  it('seeding fallbacks: duplicate points are never picked twice, all-equal points take the lowest unused rows, a draw of 1 takes the last non-zero distance', async () => {
    // 4 distinct points repeated: after 4 centres every distance is zero.
    const base = new SeededRandom(9).normalArray(4 * 6);
    const repeated = matrix(Float32Array.from({ length: 300 * 6 }, (_, i) => base[i % 24]), 6);
    const draws: SeedDraws = { first: 5, uniforms: Float32Array.from({ length: 8 }, (_, s) => (s === 2 ? 1 : (0.37 * s) % 1)) };
    const expected = Array.from(kmeansSeedRowsReference(repeated, 8, draws));
    const firstFour = expected.slice(0, 4);
    expect(new Set(firstFour.map((row) => row % 4)).size).toBe(4);
    // Draw 2 is 1: the last row whose distance to centres 0 and 1 is not zero.
    let last = 299;
    while ([firstFour[0] % 4, firstFour[1] % 4].includes(last % 4)) last--;
    expect(expected[2]).toBe(last);
    const unused: number[] = [];
    for (let row = 0; unused.length < 4; row++) if (!firstFour.includes(row)) unused.push(row);
    expect(expected.slice(4)).toEqual(unused);
    for (const limit of [undefined, 64 * 6 * 4]) {
      expect(Array.from((await gpuKMeansSeeds(gpu(), repeated, 8, draws, limit)).rows)).toEqual(expected);
    }
  });

  for (const [name, n, f, k, tolerance, iterations, limit] of [
    ['clustered, converges', 400, 16, 9, 0, 25, undefined],
    ['tolerance 5 %', 400, 16, 9, 0.05, 25, undefined],
    ['iteration limit 2', 400, 16, 9, 0, 2, undefined],
    ['blocks of 64 rows', 400, 16, 9, 0, 25, 64 * 16 * 4],
    ['f = 7 (scalar loads), 3 blocks', 300, 7, 12, 0.01, 25, 100 * 12 * 4],
  ] as const) {
    it(`whole run (seeding + Lloyd on the GPU) matches kmeansReference: ${name}`, async () => {
      const points = matrix(clusteredVectors(n + k, n, f, k - 2, 0.6), f);
      const p = problem(points, k, n + f, iterations, Math.floor(tolerance * n));
      const expected = await kmeansReference(p);
      const actual = await gpuKMeans(gpu(), limit ?? Infinity)(p);
      expect(actual.iterations).toBe(expected.iterations);
      expectClose(actual.centroids.data, expected.centroids.data, 1e-5, 1e-4, 'centroids');
      if (name === 'iteration limit 2') expect(actual.iterations).toBe(2);
    });
  }
});
