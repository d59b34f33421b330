import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@opticspace/gpu';
import {
  applyLaplacian,
  buildFeatureGraph,
  compressCentroids,
  computeSignatures,
  defaultClusterCount,
  diffuse,
  dispersion,
  EmptyGraphError,
  graphFromCosines,
  kmeans,
  nearestFeatures,
  prepareQueries,
  profileCosinesReference,
  projectedDimension,
  projectionMatrix,
  quantile,
  rowEnergiesReference,
  splitCentroids,
  stableEta,
  type FeatureGraph,
  type Matrix,
} from '../src';
import { clusteredVectors } from './fixtures';

const matrix = (data: Float32Array, columns: number): Matrix => ({ data, rows: data.length / columns, columns });
const graphParameters = { eps: 1, topk: 4, sigma: 0.5, p: 2 };

function dense(graph: FeatureGraph): number[][] {
  const n = graph.features;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let r = 0; r < n; r++) for (let i = graph.rowPointer[r]; i < graph.rowPointer[r + 1]; i++) out[r][graph.columnIndex[i]] = graph.values[i];
  return out;
}

describe('projection', () => {
  it('r = clamp(ceil(8 ln X / eps^2), 32, F/2)', () => {
    expect(projectedDimension(100, 0.5, 384)).toBe(Math.ceil((8 * Math.log(100)) / 0.25));
    expect(projectedDimension(2, 0.9, 384)).toBe(32);
    expect(projectedDimension(1000, 0.1, 384)).toBe(192);
    expect(projectedDimension(10, 0.5, 20)).toBe(10);
  });

  it('the matrix is seeded with entries of variance 1/r', () => {
    const a = projectionMatrix(5, 64, 40);
    expect(Array.from(projectionMatrix(5, 64, 40).data)).toEqual(Array.from(a.data));
    expect(Array.from(projectionMatrix(6, 64, 40).data)).not.toEqual(Array.from(a.data));
    let sum = 0;
    for (const v of a.data) sum += v * v;
    expect(sum / a.data.length).toBeGreaterThan(0.8 / 40);
    expect(sum / a.data.length).toBeLessThan(1.2 / 40);
  });
});

describe('k-means', () => {
  it('default K = clamp(round(sqrt N), 2, 1024) and never above N', () => {
    expect(defaultClusterCount(1681)).toBe(41);
    expect(defaultClusterCount(3)).toBe(2);
    expect(defaultClusterCount(1)).toBe(1);
    expect(defaultClusterCount(4_000_000)).toBe(1024);
  });

  it('recovers well-separated clusters and is deterministic for a seed', async () => {
    const points = matrix(clusteredVectors(11, 240, 8, 4, 0.05), 8);
    const a = await kmeans(points, 4, { seed: 1, iterations: 30, sampleSize: 10_000 });
    const b = await kmeans(points, 4, { seed: 1, iterations: 30, sampleSize: 10_000 });
    expect(Array.from(a.centroids.data)).toEqual(Array.from(b.centroids.data));
    // Every point lies within a few spreads of its nearest centroid.
    for (let i = 0; i < points.rows; i++) {
      let best = Infinity;
      for (let c = 0; c < 4; c++) {
        let d = 0;
        for (let f = 0; f < 8; f++) d += (points.data[i * 8 + f] - a.centroids.data[c * 8 + f]) ** 2;
        best = Math.min(best, d);
      }
      expect(Math.sqrt(best)).toBeLessThan(0.5);
    }
  });

  it('stops when at most `tolerance` of the points changed cluster', async () => {
    const points = matrix(clusteredVectors(2, 300, 4, 6, 1), 4);
    const strict = await kmeans(points, 9, { seed: 5, iterations: 50, sampleSize: 10_000, tolerance: 0 });
    const loose = await kmeans(points, 9, { seed: 5, iterations: 50, sampleSize: 10_000, tolerance: 1 });
    expect(loose.iterations).toBe(2);
    expect(strict.iterations).toBeGreaterThan(2);
  });

  it('samples large inputs', async () => {
    const points = matrix(clusteredVectors(2, 500, 4, 3), 4);
    const result = await kmeans(points, 5, { seed: 3, iterations: 5, sampleSize: 100 });
    expect(result.sampled).toBe(100);
    expect(result.centroids.rows).toBe(5);
  });

  it('handles duplicate points (fewer distinct points than K)', async () => {
    const points = matrix(new Float32Array(20).fill(1), 2);
    const result = await kmeans(points, 3, { seed: 3, iterations: 5, sampleSize: 100 });
    expect(result.centroids.rows).toBe(3);
    expect(Array.from(result.centroids.data).every((v) => v === 1)).toBe(true);
  });
});

describe('optical compression', () => {
  const centroids = matrix(new SeededRandom(4).normalArray(40 * 6), 6);

  it('skips when T >= X', () => {
    expect(compressCentroids(centroids, 40, 0.1, 1)).toBe(centroids);
  });

  it('produces exactly T tokens, deterministically', () => {
    const a = compressCentroids(centroids, 9, 0.1, 1);
    expect(a.rows).toBe(9);
    expect(Array.from(compressCentroids(centroids, 9, 0.1, 1).data)).toEqual(Array.from(a.data));
  });

  it('pads with original centroids in ascending norm order when bins are too few', () => {
    // Identical points fall in one bin: one pooled token, then the smallest-norm originals.
    const same = matrix(Float32Array.from({ length: 10 * 2 }, (_, i) => (i % 2 === 0 ? 1 : 2)), 2);
    const out = compressCentroids(same, 3, 0, 1);
    expect(out.rows).toBe(3);
    expect(Array.from(out.data)).toEqual([1, 2, 1, 2, 1, 2]);
  });
});

describe('feature graph (Laplacian)', () => {
  it('is symmetric with zero row sums and non-negative diagonal', async () => {
    const centroids = matrix(clusteredVectors(3, 30, 24, 5), 24);
    const graph = await buildFeatureGraph(centroids, graphParameters, 'test');
    const l = dense(graph);
    for (let r = 0; r < graph.features; r++) {
      let sum = 0;
      for (let c = 0; c < graph.features; c++) {
        expect(l[r][c]).toBe(l[c][r]);
        sum += l[r][c];
        if (r !== c) expect(l[r][c]).toBeLessThanOrEqual(0);
      }
      expect(Math.abs(sum)).toBeLessThan(1e-5);
      expect(l[r][r]).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps only the top-k neighbours within eps, weighted 1 / (1 + (d / sigma)^p)', async () => {
    const centroids = matrix(new SeededRandom(9).normalArray(12 * 10), 10);
    const cosines = await profileCosinesReference(centroids);
    const graph = graphFromCosines(cosines, { eps: 0.9, topk: 2, sigma: 0.3, p: 3 });
    for (let e = 0; e < graph.edgeSource.length; e++) {
      const a = graph.edgeSource[e];
      const b = graph.edgeTarget[e];
      expect(a).toBeLessThan(b);
      const d = 1 - cosines.data[a * 10 + b];
      expect(d).toBeLessThanOrEqual(0.9);
      expect(graph.edgeWeight[e]).toBeCloseTo(1 / (1 + (d / 0.3) ** 3), 6);
      // The pair is among a's or b's two most similar features.
      const rank = (x: number, y: number) =>
        Array.from({ length: 10 }, (_, i) => i).filter((i) => i !== x && cosines.data[x * 10 + i] > cosines.data[x * 10 + y]).length;
      expect(Math.min(rank(a, b), rank(b, a))).toBeLessThan(2);
    }
  });

  it('nearestFeatures is an exact top-k with ties to the lower index', () => {
    const rng = new SeededRandom(12);
    for (const k of [1, 3, 29, 40]) {
      const row = Float32Array.from(rng.uniformArray(30), (v) => Math.round(v * 4) / 4);
      const expected = Array.from({ length: 30 }, (_, i) => i)
        .filter((i) => i !== 7)
        .sort((a, b) => row[b] - row[a] || a - b)
        .slice(0, k);
      expect(nearestFeatures(row, 7, k)).toEqual(expected);
    }
  });

  it('throws EmptyGraphError naming the parameters to loosen', async () => {
    const centroids = matrix(new SeededRandom(9).normalArray(12 * 10), 10);
    await expect(buildFeatureGraph(centroids, { ...graphParameters, eps: 0 }, 'bootstrap feature graph L0')).rejects.toThrow(EmptyGraphError);
    await expect(buildFeatureGraph(centroids, { ...graphParameters, eps: 0 }, 'x')).rejects.toThrow(/graph\.eps.*graph\.topk/);
  });
});

describe('diffusion', () => {
  it('clamps eta to 1 / (2 max degree)', async () => {
    const graph = await buildFeatureGraph(matrix(clusteredVectors(3, 30, 16, 5), 16), graphParameters, 'test');
    const maxDegree = Math.max(...graph.degree);
    expect(stableEta(graph, 10)).toBeCloseTo(1 / (2 * maxDegree), 12);
    expect(stableEta(graph, 1e-4)).toBe(1e-4);
  });

  it('is stable: norms and Dirichlet energies never grow, even for many steps at the bound', async () => {
    const centroids = matrix(clusteredVectors(3, 30, 16, 5), 16);
    const graph = await buildFeatureGraph(centroids, graphParameters, 'test');
    const eta = stableEta(graph, 1e9);
    let previous = centroids;
    let previousEnergy = await rowEnergiesReference(previous, graph);
    for (let step = 0; step < 50; step++) {
      const next = diffuse(previous, graph, eta, 1);
      const energy = await rowEnergiesReference(next, graph);
      for (let r = 0; r < centroids.rows; r++) {
        expect(energy.squaredNorm[r]).toBeLessThanOrEqual(previousEnergy.squaredNorm[r] * (1 + 1e-6) + 1e-9);
        expect(energy.quadratic[r]).toBeLessThanOrEqual(previousEnergy.quadratic[r] * (1 + 1e-6) + 1e-9);
      }
      previous = next;
      previousEnergy = energy;
    }
    expect(previous.data.every(Number.isFinite)).toBe(true);
  });

  it('one step equals c - eta L c', async () => {
    const centroids = matrix(new SeededRandom(1).normalArray(3 * 12), 12);
    const graph = await buildFeatureGraph(centroids, { ...graphParameters, eps: 2 }, 'test');
    const out = diffuse(centroids, graph, 0.05, 1);
    const lc = applyLaplacian(graph, centroids.data.subarray(12, 24));
    for (let f = 0; f < 12; f++) expect(out.data[12 + f]).toBeCloseTo(centroids.data[12 + f] - 0.05 * lc[f], 5);
  });
});

describe('splitting', () => {
  it('splits the centroids at or above the dispersion quantile into two appended children', async () => {
    const centroids = matrix(clusteredVectors(5, 20, 16, 4), 16);
    const graph = await buildFeatureGraph(centroids, graphParameters, 'test');
    const energies = await rowEnergiesReference(centroids, graph);
    const g = Array.from({ length: 20 }, (_, r) => dispersion(energies.quadratic[r], energies.energySquareSum[r]));
    const result = splitCentroids(centroids, energies, { splitQuantile: 0.8, neighbourK: 3, splitTau: 0.5 });
    const threshold = quantile(g, 0.8);
    expect(result.split).toEqual(g.map((v, i) => (v >= threshold ? i : -1)).filter((i) => i >= 0));
    expect(result.centroids.rows).toBe(20 + 2 * result.split.length);
    expect(Array.from(result.centroids.data.subarray(0, 20 * 16))).toEqual(Array.from(centroids.data));
    result.split.forEach((parent, j) => {
      const plus = result.centroids.data.subarray((20 + 2 * j) * 16, (21 + 2 * j) * 16);
      const minus = result.centroids.data.subarray((21 + 2 * j) * 16, (22 + 2 * j) * 16);
      for (let f = 0; f < 16; f++) expect((plus[f] + minus[f]) / 2).toBeCloseTo(centroids.data[parent * 16 + f], 5);
    });
  });

  it('splitQuantile = 1 disables splitting', async () => {
    const centroids = matrix(clusteredVectors(5, 10, 8, 2), 8);
    const graph = await buildFeatureGraph(centroids, graphParameters, 'test');
    const result = splitCentroids(centroids, await rowEnergiesReference(centroids, graph), { splitQuantile: 1, neighbourK: 3, splitTau: 0.5 });
    expect(result.centroids).toBe(centroids);
  });
});

describe('signatures', () => {
  it('lambda is min-max normalised, tau is the median E, zero vectors are degenerate (never NaN)', async () => {
    const items = matrix(clusteredVectors(8, 50, 16, 4), 16);
    items.data.fill(0, 3 * 16, 4 * 16);
    const graph = await buildFeatureGraph(matrix(clusteredVectors(9, 12, 16, 4), 16), graphParameters, 'test');
    const energies = await rowEnergiesReference(items, graph);
    const s = computeSignatures(energies, 'median');
    expect(s.degenerate).toEqual([3]);
    // The zero vector counts as E = G = 0 (raw lambda 0) in the median tau and the min/max.
    const e = Array.from({ length: 50 }, (_, i) => (i === 3 ? 0 : energies.quadratic[i] / energies.squaredNorm[i]));
    expect(s.tau).toBeCloseTo(quantile(e, 0.5), 6);
    const g = Array.from({ length: 50 }, (_, i) => (i === 3 ? 0 : energies.energySquareSum[i] / energies.quadratic[i] ** 2));
    const raw = e.map((value, i) => (s.tau * value) / (value + s.tau) + (1 - s.tau) * g[i]);
    expect(raw[3]).toBe(0);
    expect(s.lambdaMin).toBeCloseTo(Math.min(...raw), 6);
    expect(s.lambdaMax).toBeCloseTo(Math.max(...raw), 6);
    raw.forEach((value, i) => expect(s.lambda[i]).toBeCloseTo((value - s.lambdaMin) / (s.lambdaMax - s.lambdaMin), 5));
    expect(Math.min(...s.lambda)).toBe(0);
    expect(Math.max(...s.lambda)).toBeCloseTo(1, 6);
    for (const values of [s.lambda, s.dispersion, s.quadratic, s.norm]) expect(values.every(Number.isFinite)).toBe(true);
    expect(s.dispersion[3]).toBe(0);
    const fixed = computeSignatures(energies, { fixed: 0.25 });
    expect(fixed.tau).toBe(0.25);
  });

  it('a zero query has raw lambda 0, normalised and clamped with the stored min/max like a zero item', async () => {
    const graph = await buildFeatureGraph(matrix(clusteredVectors(9, 12, 16, 4), 16), graphParameters, 'test');
    const queries = matrix(new Float32Array(3 * 16), 16);
    queries.data.set(clusteredVectors(10, 1, 16, 1), 16);
    const inside = await prepareQueries(queries, graph, { tau: 2, lambdaMin: -0.5, lambdaMax: 1.5 });
    expect(inside.degenerate).toEqual([0, 2]);
    expect(inside.lambda[0]).toBeCloseTo(0.25, 6);
    expect(inside.lambda[2]).toBeCloseTo(0.25, 6);
    expect(inside.dispersion[0]).toBe(0);
    const above = await prepareQueries(queries, graph, { tau: 2, lambdaMin: 0.5, lambdaMax: 1.5 });
    expect(above.lambda[0]).toBe(0);
  });
});
