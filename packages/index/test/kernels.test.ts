import { describe, expect, it } from 'vitest';
import { CommandBatch, SeededRandom, Tensor } from '@opticspace/gpu';
import {
  graphFromCosines,
  packStats,
  prepareQueries,
  profileCosinesReference,
  rowEnergiesGpu,
  rowEnergiesReference,
  scoreKeysReference,
  scoreProgram,
  productsProgram,
  productsKernelFor,
  stackQueries,
  productRows,
  projectOnGpu,
  profileCosinesOnGpu,
  profileNeighboursOnGpu,
  profileNeighboursReference,
  diffuseOnGpu,
  diffuse,
  multiply,
  stableEta,
  type ItemStore,
  type Matrix,
  type ScoreMode,
} from '../src';
import { clusteredVectors } from './fixtures';
import { expectClose, useGpu } from '@opticspace/gpu/testing';

const matrix = (data: Float32Array, columns: number): Matrix => ({ data, rows: data.length / columns, columns });

async function randomGraph(seed: number, features: number) {
  const centroids = matrix(new SeededRandom(seed).normalArray(7 * features), features);
  return graphFromCosines(await profileCosinesReference(centroids), { eps: 1.2, topk: 3, sigma: 0.5, p: 2 });
}

describe('index kernels: GPU vs TS reference', () => {
  const gpu = useGpu('index kernels');

  for (const [rows, features] of [
    [1, 4],
    [3, 9],
    [257, 32],
  ]) {
    it(`row energies (yTy, yTLy, sum c^2) rows=${rows} f=${features}`, async () => {
      const graph = await randomGraph(rows + features, features);
      expect(graph.edgeSource.length).toBeGreaterThan(0);
      const values = matrix(new SeededRandom(rows).normalArray(rows * features), features);
      const expected = await rowEnergiesReference(values, graph);
      const actual = await rowEnergiesGpu(gpu(), values, graph);
      expectClose(actual.squaredNorm, expected.squaredNorm, 1e-4, 1e-5, 'yTy');
      expectClose(actual.quadratic, expected.quadratic, 1e-4, 1e-5, 'yTLy');
      expectClose(actual.energySquareSum, expected.energySquareSum, 1e-4, 1e-5, 'sum c^2');
    });
  }

  it('row energies of a zero row are all zero', async () => {
    const graph = await randomGraph(5, 6);
    const values = matrix(new Float32Array(12), 6);
    const actual = await rowEnergiesGpu(gpu(), values, graph);
    expect(Array.from(actual.squaredNorm)).toEqual([0, 0]);
    expect(Array.from(actual.quadratic)).toEqual([0, 0]);
  });

  async function scoreCase(n: number, b: number, f: number, mode: ScoreMode, withZero: boolean) {
    const graph = await randomGraph(n + b, f);
    const rng = new SeededRandom(n * 7 + b);
    const vectors = matrix(clusteredVectors(n, n, f, 3), f);
    if (withZero) vectors.data.fill(0, 0, f);
    const stats = await rowEnergiesReference(vectors, graph);
    const items: ItemStore = {
      vectors,
      lambda: rng.uniformArray(n, 0, 1),
      dispersion: rng.uniformArray(n, 0, 1),
      quadratic: stats.quadratic,
      norm: Float32Array.from(stats.squaredNorm, Math.sqrt),
    };
    const queries = await prepareQueries(matrix(rng.normalArray(b * f), f), graph, { tau: 1, lambdaMin: 0, lambdaMax: 3 });
    const weights = { alpha: 0.6, lambda: 1, dispersion: 0.5, dirichlet: 0.25 };
    const expected = scoreKeysReference(items, queries, mode, weights);
    const t = (data: Float32Array, shape: number[]) => Tensor.from(gpu(), data, shape);
    const keys = Tensor.empty(gpu(), [b, n]);
    // Energy scores from [Q; L Q] @ X^T, the other modes from Q @ X^T alone.
    const rows = productRows(mode, b);
    const products = Tensor.empty(gpu(), [rows, n]);
    await new CommandBatch(gpu())
      .dispatch(productsProgram(gpu(), t(stackQueries(queries, mode === 'energy'), [rows, f]), t(vectors.data, [n, f]), products))
      .dispatch(
        scoreProgram(
          products,
          t(packStats(items.lambda, items.dispersion, items.quadratic, items.norm), [n, 4]),
          t(packStats(queries.lambda, queries.dispersion, queries.quadratic, queries.norm), [b, 4]),
          keys,
          mode,
          weights,
        ),
      )
      .submit();
    const actual = (await keys.read()) as Float32Array;
    expect(actual.every(Number.isFinite)).toBe(true);
    expectClose(actual, expected, 2e-5, 1e-4, `${mode} keys`);
    return { actual, expected };
  }

  for (const mode of ['cosine', 'lambdaAware', 'energy'] as const) {
    for (const [n, b, f] of [
      [1, 1, 3],
      [97, 3, 16],
      [300, 5, 32],
    ]) {
      it(`score mode ${mode} n=${n} queries=${b} f=${f}`, async () => {
        await scoreCase(n, b, f, mode, false);
      });
    }
  }

  it('cosine of a zero item is 0, never NaN', async () => {
    const { actual } = await scoreCase(20, 2, 8, 'cosine', true);
    expect(actual[0]).toBe(0);
    expect(actual[20]).toBe(0);
  });

  // f = 19: scalar loads of the matrix-vector kernel, f = 20: vec4 ones; rows 3, 5, 31, 33, 70
  // leave a partial group of 4 rows, n = 77, 3, 2, 1 a partial group of 4 items. Both kernels of
  // productsKernelFor (the tiled GEMM of @opticspace/gpu for many rows) on every shape.
  for (const [rows, f, n] of [
    [1, 19, 77],
    [2, 19, 77],
    [5, 19, 77],
    [31, 19, 77],
    [33, 19, 77],
    [70, 19, 77],
    [1, 20, 77],
    [3, 20, 77],
    [32, 20, 77],
    [70, 20, 77],
    [5, 19, 2],
    [2, 20, 3],
    [9, 20, 1],
  ]) {
    for (const kernel of ['matvec', 'gemm'] as const) {
      it(`products (${kernel}) rows=${rows} f=${f} n=${n}`, async () => {
        const rng = new SeededRandom(rows + 100 * f);
        const queries = matrix(rng.normalArray(rows * f), f);
        const items = matrix(rng.normalArray(n * f), f);
        const transposed = new Float32Array(f * n);
        for (let i = 0; i < n; i++) for (let c = 0; c < f; c++) transposed[c * n + i] = items.data[i * f + c];
        const products = Tensor.empty(gpu(), [rows, n]);
        await new CommandBatch(gpu())
          .dispatch(productsProgram(gpu(), Tensor.from(gpu(), queries.data, [rows, f]), Tensor.from(gpu(), items.data, [n, f]), products, kernel))
          .submit();
        expectClose((await products.read()) as Float32Array, multiply(queries, { data: transposed, rows: f, columns: n }).data, 1e-4, 1e-4, 'products');
      });
    }
  }

  it('picks the matrix-vector kernel for few rows or cache-sized items, the tiled GEMM otherwise', () => {
    expect(productsKernelFor(2, 100_000, 384)).toBe('matvec'); // one query
    expect(productsKernelFor(16, 100_000, 384)).toBe('matvec');
    expect(productsKernelFor(128, 100_000, 384)).toBe('gemm'); // a batch of 64 in energy mode
    expect(productsKernelFor(128, 10_000, 384)).toBe('matvec'); // 15 MB of items
    expect(productsKernelFor(316, 16_384, 384)).toBe('matvec'); // k-means at 100K: the 25 MB sample
    expect(productsKernelFor(1024, 65_536, 384)).toBe('gemm');
  });

  for (const [x, f] of [
    [1, 1],
    [5, 7],
    [41, 70],
  ]) {
    it(`projection GEMM, profile cosines and diffusion x=${x} f=${f}`, async () => {
      const rng = new SeededRandom(x * 100 + f);
      const centroids = matrix(rng.normalArray(x * f), f);
      centroids.data.fill(0, 0, Math.min(1, f)); // a zero entry; with x = 1 a zero profile
      const projection = matrix(rng.normalArray(f * 3), 3);
      expectClose((await projectOnGpu(gpu(), centroids, projection)).data, multiply(centroids, projection).data, 1e-4, 1e-4, 'projection');
      const cosines = await profileCosinesOnGpu(gpu(), centroids);
      expectClose(cosines.data, (await profileCosinesReference(centroids)).data, 1e-5, 1e-5, 'cosines');
      const graph = graphFromCosines(await profileCosinesReference(centroids), { eps: 2, topk: 3, sigma: 0.5, p: 2 });
      const eta = stableEta(graph, 1);
      for (const steps of [0, 1, 4]) {
        expectClose((await diffuseOnGpu(gpu(), centroids, graph, eta, steps)).data, diffuse(centroids, graph, eta, steps).data, 1e-5, 1e-4, `diffusion ${steps}`);
      }
    });
  }

  for (const [x, f, topk] of [
    [3, 1, 6],
    [2, 5, 6],
    [9, 40, 6],
    [41, 70, 12],
    [5, 90, 70],
  ]) {
    it(`profile kNN (cosine GEMM + top-k, self dropped) x=${x} f=${f} topk=${topk}`, async () => {
      const centroids = matrix(new SeededRandom(x + f).normalArray(x * f), f);
      for (let r = 0; r < x; r++) centroids.data[r * f + (f - 1)] = 0; // a zero profile (cosine 0 with all)
      const expected = await profileNeighboursReference(centroids, topk);
      const actual = await profileNeighboursOnGpu(gpu(), centroids, topk);
      expect(actual.perFeature).toBe(Math.min(topk, f - 1));
      expect(Array.from(actual.neighbours)).toEqual(Array.from(expected.neighbours));
    });
  }

  it('score rejects products with the wrong number of rows for the mode', () => {
    // 2 queries, 3 items: energy needs [4, 3] products ([Q; L Q] @ X^T), cosine [2, 3].
    const itemStats = Tensor.from(gpu(), new Float32Array(12), [3, 4]);
    const queryStats = Tensor.from(gpu(), new Float32Array(8), [2, 4]);
    const keys = Tensor.empty(gpu(), [2, 3]);
    const weights = { alpha: 0.5, lambda: 1, dispersion: 1, dirichlet: 1 };
    expect(() => scoreProgram(Tensor.empty(gpu(), [2, 3]), itemStats, queryStats, keys, 'energy', weights)).toThrow(/must be \[4, n\] \(energy, 2 queries\)/);
    expect(() => scoreProgram(Tensor.empty(gpu(), [4, 3]), itemStats, queryStats, keys, 'cosine', weights)).toThrow(/must be \[2, n\] \(cosine, 2 queries\)/);
    expect(productRows('energy', 2)).toBe(4);
    expect(productRows('lambdaAware', 2)).toBe(2);
  });
});
