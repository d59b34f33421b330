/**
 * Feedback (RM3, Rocchio) and fusion (RRF, linear): the formulas by hand, each method against a
 * composition of the simpler methods, and every method of the table on both backends.
 */
import { describe, expect, it } from 'vitest';
import {
  Bm25Index,
  DEFAULT_METHOD,
  DEFAULT_SEARCH,
  EnergyIndex,
  fuseLists,
  lexicalKeysReference,
  rm3Query,
  rocchioQuery,
  SEARCH_METHOD_NAMES,
  SEARCH_METHODS,
  termColumns,
  topKOfKeys,
  type FusionParameters,
  type SearchHit,
  type SearchOptions,
} from '../src';
import { topicTexts, topicVectors } from './fixtures';
import { useGpu } from '@opticspace/gpu/testing';

const N = 80;
const F = 16;
const texts = topicTexts(11, N);
const vectors = topicVectors(12, N, F);
const queryVectors = topicVectors(13, 4, F, 1.2);
const queryTexts = ['flutter of a supersonic wing panel', 'laminar boundary layer heat transfer', 'buckling of thin shells', 'sql injection login'];
const queries = queryTexts.map((text, b) => ({ text, vector: queryVectors.slice(b * F, (b + 1) * F) }));
const row = (i: number) => vectors.slice(i * F, (i + 1) * F);

describe('RM3 expansion by hand', () => {
  const corpus = ['alpha beta beta gamma', 'alpha delta', 'beta epsilon', 'zeta', 'eta', ...Array.from({ length: 15 }, (_, i) => `filler${i}`)];
  const bm25 = new Bm25Index(corpus);
  const id = (term: string) => bm25.vocabulary.get(term)!;

  it('weights terms by score x tf / |D|, keeps the top terms and interpolates with the query', () => {
    const query = bm25.queryTerms('alpha alpha');
    // Feedback: document 0 (score 2, length 4) and document 2 (score 1, length 2).
    const expanded = rm3Query(bm25, query, { indices: [0, 2], scores: [2, 1] }, { documents: 2, terms: 2, originalWeight: 0.25 });
    // P(t|R) before pruning: alpha 2/4, beta 2*2/4 + 1/2, gamma 2/4, epsilon 1/2.
    const beta = 1 + 1 / 2;
    // Top 2: beta, then alpha and gamma tie at 0.5 -> the lower term id (alpha).
    const total = beta + 0.5;
    const expected = new Map([
      [id('alpha'), 0.25 + (0.75 * 0.5) / total],
      [id('beta'), (0.75 * beta) / total],
    ]);
    expect(Array.from(expanded.terms)).toEqual([...expected.keys()].sort((a, b) => a - b));
    expanded.terms.forEach((term, j) => expect(expanded.values[j]).toBeCloseTo(expected.get(term)!, 12));
  });

  it('without positive feedback the query stays as it is (L1-normalised)', () => {
    const expanded = rm3Query(bm25, bm25.queryTerms('alpha beta beta'), { indices: [5], scores: [0] }, { documents: 1, terms: 5, originalWeight: 0.5 });
    expect(Array.from(expanded.values)).toEqual([0.5 / 3, 1 / 3]);
  });
});

describe('Rocchio by hand', () => {
  it('alpha q / |q| + beta mean(x / |x|), zero items skipped', () => {
    const items = { data: Float32Array.from([3, 4, 0, 0, 0, 2]), rows: 3, columns: 2 };
    const moved = rocchioQuery(items, [5, 0, 2], [6, 8], 10, [0, 1, 2], { documents: 3, alpha: 2, beta: 0.6 });
    expect(moved[0]).toBeCloseTo(2 * 0.6 + 0.2 * 0.6, 6);
    expect(moved[1]).toBeCloseTo(2 * 0.8 + 0.2 * (0.8 + 1), 6);
  });
});

describe('fuseLists by hand', () => {
  const a = { indices: [4, 2, 7], scores: [3, 2, 0], weight: 1 };
  const b = { indices: [2, 9], scores: [0.9, 0.5], weight: 2 };
  it('rrf', () => {
    const fused = fuseLists([a, b], 'rrf', 10, 3);
    // 2: 1/12 + 2/11; 9: 2/12; 4: 1/11; 7: 1/13.
    expect(fused.indices).toEqual([2, 9, 4]);
    expect(fused.scores[0]).toBeCloseTo(1 / 12 + 2 / 11, 12);
  });
  it('minmax', () => {
    const minmax = fuseLists([a, b], 'minmax', 60, 4);
    // 2: 2/3 + 2; 4: 1; 9: 0; 7: 0 -> ties to the lower index.
    expect(minmax.indices).toEqual([2, 4, 7, 9]);
    expect(minmax.scores).toEqual([2 / 3 + 2, 1, 0, 0]);
  });
  it('zscore', () => {
    const z = fuseLists([a, b], 'zscore', 60, 2);
    const std = Math.sqrt(((3 - 5 / 3) ** 2 + (2 - 5 / 3) ** 2 + (5 / 3) ** 2) / 3);
    // 2: (2 - 0) / std + 2 (0.9 - 0.5) / 0.2; 4: 3 / std.
    expect(z.indices).toEqual([2, 4]);
    expect(z.scores[0]).toBeCloseTo(2 / std + (2 * 0.4) / 0.2, 12);
    expect(z.scores[1]).toBeCloseTo(3 / std, 12);
  });
  it('a list of equal scores or of weight 0 adds nothing', () => {
    expect(fuseLists([{ indices: [1, 0], scores: [5, 5], weight: 1 }, a], 'minmax', 60, 2).indices).toEqual([4, 2]);
    expect(fuseLists([{ ...b, weight: 0 }, a], 'rrf', 60, 5).indices).toEqual([4, 2, 7]);
  });
});

describe('methods as compositions of simpler ones (cpu)', () => {
  let index: EnergyIndex;
  const bm25 = new Bm25Index(texts);

  it('builds', async () => {
    index = await EnergyIndex.build(vectors, { dimension: F, backend: 'cpu', documents: texts });
  });

  it('bm25Rm3: first pass, expansion, second pass', async () => {
    const rm3 = { documents: 5, terms: 6, originalWeight: 0.4 };
    for (const { text } of queries) {
      const first = bm25.search(text, rm3.documents);
      const expanded = rm3Query(bm25, bm25.queryTerms(text), { indices: first.map((h) => h.index), scores: first.map((h) => h.score) }, rm3);
      const top = topKOfKeys(lexicalKeysReference(bm25.matrix, termColumns([expanded], bm25.termCount), 1), 1, 10);
      const hits = await index.search({ text }, { k: 10, method: 'bm25Rm3', rm3 });
      expect(hits.map((h) => h.index)).toEqual(Array.from(top.indices));
      // Expansion changes the ranking of at least one query (the rare topic words).
      expect(hits.length).toBe(10);
    }
    const plain = await Promise.all(queries.map(({ text }) => index.search({ text }, { k: 10, method: 'bm25' })));
    const expanded = await Promise.all(queries.map(({ text }) => index.search({ text }, { k: 10, method: 'bm25Rm3', rm3 })));
    expect(expanded).not.toEqual(plain);
  });

  it('cosineRocchio: cosine of the moved query vector', async () => {
    const rocchio = { documents: 4, alpha: 1, beta: 0.8 };
    const norms = Array.from({ length: N }, (_, i) => Math.hypot(...row(i)));
    for (const { vector } of queries) {
      const first = await index.search(vector, { k: rocchio.documents, method: 'cosine' });
      const moved = rocchioQuery({ data: vectors, rows: N, columns: F }, norms, vector, Math.hypot(...vector), first.map((h) => h.index), rocchio);
      const expected = await index.search(moved, { k: 10, method: 'cosine' });
      const hits = await index.search({ vector }, { k: 10, method: 'cosineRocchio', rocchio });
      expect(hits.map((h) => h.index)).toEqual(expected.map((h) => h.index));
      hits.forEach((hit, j) => expect(hit.score).toBeCloseTo(expected[j].score, 5));
    }
  });

  for (const [method, kind] of [['rrf', 'rrf'], ['linear', 'minmax'], ['linearZ', 'zscore']] as const) {
    it(`${method}: ${kind} fusion of the lexical and dense lists, energy as a third list`, async () => {
      const settings: FusionParameters[] = [
        { lexical: 'bm25Rm3', dense: 'cosineRocchio', depth: 20, rrfK: 5, weights: { lexical: 1, dense: 0.5, energy: 0 } },
        { lexical: 'bm25', dense: 'cosine', depth: 12, rrfK: 60, weights: { lexical: 1, dense: 1, energy: 0.5 } },
      ];
      for (const fusion of settings) {
        for (const query of queries) {
          const lexical = await index.search(query, { k: fusion.depth, method: fusion.lexical });
          const dense = await index.search(query, { k: fusion.depth, method: fusion.dense });
          const lists = [
            { indices: lexical.map((h) => h.index), scores: lexical.map((h) => h.score), weight: fusion.weights.lexical },
            { indices: dense.map((h) => h.index), scores: dense.map((h) => h.score), weight: fusion.weights.dense },
          ];
          if (fusion.weights.energy > 0) {
            const union = new Set([...lists[0].indices, ...lists[1].indices]);
            const energy = (await index.search(query.vector, { k: N, method: 'energy' })).filter((h) => union.has(h.index));
            lists.push({ indices: energy.map((h) => h.index), scores: energy.map((h) => -h.score), weight: fusion.weights.energy });
          }
          const expected = fuseLists(lists, kind, fusion.rrfK, 10);
          const hits = await index.search(query, { k: 10, method, fusion });
          expect(hits.map((h) => h.index)).toEqual(expected.indices);
          hits.forEach((hit, j) => expect(hit.score).toBeCloseTo(expected.scores[j], 5));
        }
      }
    });
  }

  it('without a method: the default fusion, or its lexical / dense side for what the query carries', async () => {
    const query = queries[1];
    expect(await index.search(query, { k: 5 })).toEqual(await index.search(query, { k: 5, method: DEFAULT_METHOD }));
    expect(await index.search({ text: query.text }, { k: 5 })).toEqual(await index.search(query, { k: 5, method: DEFAULT_SEARCH.fusion.lexical }));
    expect(await index.search(query.vector, { k: 5 })).toEqual(await index.search(query, { k: 5, method: DEFAULT_SEARCH.fusion.dense }));
    const vectorsOnly = await EnergyIndex.build(vectors, { dimension: F, backend: 'cpu' });
    expect(await vectorsOnly.search(query, { k: 5 })).toEqual(await index.search(query, { k: 5, method: DEFAULT_SEARCH.fusion.dense }));
    await expect(vectorsOnly.search({ text: query.text })).rejects.toThrow(/needs the query vector/);
  });

  it('scoreItems gives the scores search() reports for the same items', async () => {
    for (const method of ['cosine', 'lambdaAware', 'energy'] as const) {
      const hits = await index.search(queryVectors.slice(0, F), { k: 12, method });
      const items = hits.map((h) => h.index).reverse();
      const [scores] = await index.scoreItems([queryVectors.slice(0, F)], [items], { method });
      items.forEach((item, j) => expect(scores[j]).toBeCloseTo(hits.find((h) => h.index === item)!.score, 6));
    }
    await expect(index.scoreItems([queryVectors.slice(0, F)], [[N]], { method: 'cosine' })).rejects.toThrow(/items\[0\]/);
    await expect(index.scoreItems([queryVectors.slice(0, F)], [[1]], { method: 'bm25' as 'cosine' })).rejects.toThrow(/'method'/);
  });

  it('rejects fusion components of the wrong kind and an all-zero fusion', async () => {
    await expect(index.search(queries[0], { method: 'rrf', fusion: { lexical: 'cosine' } })).rejects.toThrow(/fusion.lexical/);
    await expect(index.search(queries[0], { method: 'rrf', fusion: { weights: { lexical: 0, dense: 0 } } })).rejects.toThrow(/fusion.weights/);
    await expect(index.search(queries[0], { method: 'rrf', rm3: { originalWeight: 2 } })).rejects.toThrow(/rm3.originalWeight/);
  });
});

/** Every method of the table: the WebGPU backend gives the TS backend's hits. */
describe('every search method: WebGPU vs TS backend', () => {
  const gpu = useGpu('index methods parity');
  const options: SearchOptions = { rm3: { documents: 5, terms: 8 }, rocchio: { documents: 5 }, fusion: { depth: 20, weights: { energy: 0.3 } }, candidates: 20 };
  let cpu: EnergyIndex;
  let webgpu: EnergyIndex;

  it('builds both', async () => {
    cpu = await EnergyIndex.build(vectors, { dimension: F, backend: 'cpu', documents: texts });
    webgpu = await EnergyIndex.build(vectors, { dimension: F, backend: 'webgpu', gpu: gpu(), documents: texts });
    expect(webgpu.lexical).toEqual(cpu.lexical);
  });

  for (const method of SEARCH_METHOD_NAMES) {
    it(`${method} (${SEARCH_METHODS[method].label})`, async () => {
      for (const k of [7, 40]) {
        const expected = await cpu.search(queries, { ...options, k, method });
        const actual = await webgpu.search(queries, { ...options, k, method });
        expected.forEach((hits, b) => expectSameHits(actual[b], hits, `${method} query ${b} k ${k}`));
      }
    });
  }
});

/** Same items in the same order, scores within f32 tolerance; a near-tie may swap neighbours. */
function expectSameHits(actual: SearchHit[], expected: SearchHit[], what: string): void {
  expect(actual, what).toHaveLength(expected.length);
  actual.forEach((hit, j) => {
    expect(Math.abs(hit.score - expected[j].score), `${what} rank ${j}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected[j].score)));
    if (hit.index !== expected[j].index) expect(Math.abs(expected[j].score - (expected[j + 1] ?? expected[j - 1]).score), `${what} rank ${j} swap`).toBeLessThan(1e-4);
  });
}
