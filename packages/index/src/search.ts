/**
 * Search: every query is scored against every item, then top-k, ties to the
 * lower item index. Scores are "rank keys" where larger is better: cosine and lambdaAware are
 * similarities, energy is the negated distance. The energy distance uses the identity
 * D(q - x) = qT L q - 2 (L q) . x + xT L x, so it costs one dot product per item like cosine.
 * This file is the TS reference of shaders/index/score.wgsl, and the CPU backend's search.
 * Design: docs/energy-index.md, "Search".
 */
import { selectTopKReference } from '@opticspace/gpu';
import { applyLaplacian, type FeatureGraph } from './feature-graph';
import type { Matrix } from './matrix';
import type { SearchParameters } from './params';
import { rowEnergiesReference } from './row-energies';
import { normaliseLambda, rawLambda, rayleigh, type TauMode } from './signature';
import { dispersion } from './row-energies';
import { SEARCH_METHODS, type ScoreMode } from './methods';

/** What is stored per item: vectors (projected) and the four signature values. */
export interface ItemStore {
  vectors: Matrix;
  lambda: Float32Array;
  dispersion: Float32Array;
  quadratic: Float32Array;
  norm: Float32Array;
}

/** Queries ready for scoring: projected vectors, L q, and their signatures. */
export interface PreparedQueries {
  vectors: Matrix;
  laplacianTimesQuery: Matrix;
  lambda: Float32Array;
  dispersion: Float32Array;
  quadratic: Float32Array;
  norm: Float32Array;
  degenerate: number[];
}

export interface ScoreWeights {
  alpha: number;
  lambda: number;
  dispersion: number;
  dirichlet: number;
}

export interface TopK {
  queries: number;
  k: number;
  /** [queries, k] item indices, best first. */
  indices: Uint32Array;
  /** [queries, k] rank keys (larger is better). */
  keys: Float32Array;
}

export function weightsOf(p: SearchParameters): ScoreWeights {
  return { alpha: p.alpha, lambda: p.weights.lambda, dispersion: p.weights.dispersion, dirichlet: p.weights.dirichlet };
}

/** Signatures of (already projected) queries with the index's graph and taumode constants. */
export async function prepareQueries(vectors: Matrix, graph: FeatureGraph, mode: TauMode): Promise<PreparedQueries> {
  const energies = await rowEnergiesReference(vectors, graph);
  const n = vectors.rows;
  const lambda = new Float32Array(n);
  const g = new Float32Array(n);
  const degenerate: number[] = [];
  const laplacianTimesQuery = new Float32Array(vectors.data.length);
  for (let i = 0; i < n; i++) {
    const q = vectors.data.subarray(i * vectors.columns, (i + 1) * vectors.columns);
    applyLaplacian(graph, q, laplacianTimesQuery.subarray(i * vectors.columns, (i + 1) * vectors.columns));
    if (!(energies.squaredNorm[i] > 0)) {
      // A zero query has E = G = 0 (raw lambda 0), normalised like a zero item of the corpus.
      degenerate.push(i);
      lambda[i] = normaliseLambda(0, mode);
      continue;
    }
    g[i] = dispersion(energies.quadratic[i], energies.energySquareSum[i]);
    lambda[i] = normaliseLambda(rawLambda(rayleigh(energies.squaredNorm[i], energies.quadratic[i]), g[i], mode.tau), mode);
  }
  return {
    vectors,
    laplacianTimesQuery: { data: laplacianTimesQuery, rows: n, columns: vectors.columns },
    lambda,
    dispersion: g,
    quadratic: Float32Array.from(energies.quadratic, (v) => Math.max(0, v)),
    norm: Float32Array.from(energies.squaredNorm, (s) => Math.sqrt(s)),
    degenerate,
  };
}

/** Cosine of a query/item pair from their dot product and norms; 0 when either is zero. */
export function cosineOf(dot: number, queryNorm: number, itemNorm: number): number {
  const scale = queryNorm * itemNorm;
  return scale > 0 ? dot / scale : 0;
}

/** Energy distance wL |dl| + wG |dG| + wD * B(D), B(d) = d / (1 + d), D clamped at 0. */
export function energyDistance(
  lambdaGap: number,
  dispersionGap: number,
  queryQuadratic: number,
  crossTerm: number,
  itemQuadratic: number,
  w: ScoreWeights,
): number {
  const dirichlet = Math.max(0, queryQuadratic - 2 * crossTerm + itemQuadratic);
  return w.lambda * Math.abs(lambdaGap) + w.dispersion * Math.abs(dispersionGap) + w.dirichlet * (dirichlet / (1 + dirichlet));
}

/** Rank key of one (query, item) pair. */
export function rankKey(mode: ScoreMode, q: PreparedQueries, b: number, items: ItemStore, i: number, dot: number, cross: number, w: ScoreWeights): number {
  switch (mode) {
    case 'cosine':
      return cosineOf(dot, q.norm[b], items.norm[i]);
    case 'lambdaAware': {
      const closeness = 1 - Math.min(Math.abs(q.lambda[b] - items.lambda[i]), 1);
      return w.alpha * cosineOf(dot, q.norm[b], items.norm[i]) + (1 - w.alpha) * closeness;
    }
    case 'energy':
      return -energyDistance(q.lambda[b] - items.lambda[i], q.dispersion[b] - items.dispersion[i], q.quadratic[b], cross, items.quadratic[i], w);
  }
}

/** TS reference of score.wgsl: [queries, items] rank keys. */
export function scoreKeysReference(items: ItemStore, q: PreparedQueries, mode: ScoreMode, w: ScoreWeights): Float32Array {
  const { rows: n, columns: f } = items.vectors;
  const x = items.vectors.data;
  const out = new Float32Array(q.vectors.rows * n);
  const withCross = SEARCH_METHODS[mode].laplacianProducts;
  for (let b = 0; b < q.vectors.rows; b++) {
    const query = q.vectors.data.subarray(b * f, (b + 1) * f);
    const lq = q.laplacianTimesQuery.data.subarray(b * f, (b + 1) * f);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      let cross = 0;
      for (let c = 0, o = i * f; c < f; c++) dot += query[c] * x[o + c];
      if (withCross) for (let c = 0, o = i * f; c < f; c++) cross += lq[c] * x[o + c];
      out[b * n + i] = rankKey(mode, q, b, items, i, dot, cross, w);
    }
  }
  return out;
}

/** Top-k of [rows, n] rank keys as a TopK: @opticspace/gpu's selectTopKReference (larger first, ties to the lower index). */
export function topKOfKeys(keys: Float32Array, rows: number, k: number): TopK {
  const { values, indices } = selectTopKReference(keys, rows, keys.length / rows, k, true);
  return { queries: rows, k, indices, keys: values };
}

/** Top-k of `count` queries computed in chunks of at most `chunk` queries (bounds the [chunk, N] keys). */
export async function topKInChunks(
  count: number,
  k: number,
  chunk: number,
  topOf: (start: number, end: number) => Promise<Pick<TopK, 'indices' | 'keys'>>,
): Promise<TopK> {
  const indices = new Uint32Array(count * k);
  const keys = new Float32Array(count * k);
  for (let start = 0; start < count; start += chunk) {
    const top = await topOf(start, Math.min(count, start + chunk));
    indices.set(top.indices, start * k);
    keys.set(top.keys, start * k);
  }
  return { queries: count, k, indices, keys };
}

/** Rank keys of given candidates of query b under a one-pass mode (host code: re-ranking a few items). */
export function candidateKeys(items: ItemStore, q: PreparedQueries, b: number, candidates: ArrayLike<number>, mode: ScoreMode, w: ScoreWeights): Float32Array {
  const f = items.vectors.columns;
  const query = q.vectors.data.subarray(b * f, (b + 1) * f);
  const lq = q.laplacianTimesQuery.data.subarray(b * f, (b + 1) * f);
  const withCross = SEARCH_METHODS[mode].laplacianProducts;
  const x = items.vectors.data;
  return Float32Array.from(candidates, (i) => {
    let dot = 0;
    let cross = 0;
    for (let c = 0; c < f; c++) dot += query[c] * x[i * f + c];
    if (withCross) for (let c = 0; c < f; c++) cross += lq[c] * x[i * f + c];
    return rankKey(mode, q, b, items, i, dot, cross, w);
  });
}

/** Energy distances of given candidates (hybrid re-ranking), sorted ascending, ties to the lower index. */
export function rerankByEnergy(items: ItemStore, q: PreparedQueries, b: number, candidates: ArrayLike<number>, k: number, w: ScoreWeights): Array<{ index: number; score: number }> {
  const keys = candidateKeys(items, q, b, candidates, 'energy', w);
  const scored = Array.from(candidates, (index, j) => ({ index, score: -keys[j] }));
  scored.sort((a, c) => a.score - c.score || a.index - c.index);
  return scored.slice(0, k);
}

/** Queries [start, end) of a prepared batch (views, no copies). */
export function sliceQueries(q: PreparedQueries, start: number, end: number): PreparedQueries {
  const f = q.vectors.columns;
  const rows = end - start;
  return {
    vectors: { data: q.vectors.data.subarray(start * f, end * f), rows, columns: f },
    laplacianTimesQuery: { data: q.laplacianTimesQuery.data.subarray(start * f, end * f), rows, columns: f },
    lambda: q.lambda.subarray(start, end),
    dispersion: q.dispersion.subarray(start, end),
    quadratic: q.quadratic.subarray(start, end),
    norm: q.norm.subarray(start, end),
    degenerate: q.degenerate.filter((i) => i >= start && i < end).map((i) => i - start),
  };
}
