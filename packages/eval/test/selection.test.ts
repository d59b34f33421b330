import { describe, expect, it } from 'vitest';
import { EnergyIndex } from '@opticspace/index';
import {
  assignFolds,
  configurations,
  crossValidate,
  crossValidationMarkdown,
  documentText,
  embedDataset,
  energyEffect,
  energyTwins,
  LexicalEmbedder,
  ndcgAt,
  scoreConfigurations,
  type CollectionScores,
  type SelectionGrid,
} from '../src/index';
import { tinyDataset } from './fixtures/tiny-dataset';

const grid: SelectionGrid = {
  rm3: { documents: [3], terms: [5], originalWeight: [0.5] },
  rocchio: { documents: [3], alpha: [1], beta: [0.5] },
  rrfK: [10],
  denseWeight: [0.5, 1],
  energyWeight: [0, 0.5],
  depth: 20,
};

describe('scoreConfigurations', () => {
  it('scores every configuration; fused ones exactly as index.search with the same options', async () => {
    const dataset = tinyDataset(4);
    const embedded = await embedDataset(dataset, new LexicalEmbedder({ dims: 8, seed: 3 }));
    const index = await EnergyIndex.build(embedded.documents, { seed: 3, backend: 'cpu', dimension: 8, documents: dataset.corpus.map(documentText) });
    const scores = await scoreConfigurations(dataset, index, embedded.queries, grid);
    const { singles, fusions } = configurations(grid);
    expect([...scores.ndcg.keys()]).toEqual([...singles, ...fusions].map((c) => c.name));
    // bm25, bm25Rm3, cosine, cosineRocchio; 3 fusion methods x 2 x 2 x 2 x 2.
    expect(singles).toHaveLength(4);
    expect(fusions).toHaveLength(3 * 2 * 2 * 2 * 2);
    for (const configuration of [...singles, ...fusions.filter((_, i) => i % 5 === 0)]) {
      const hits = await index.search(
        dataset.queries.map((query, row) => ({ text: query.text, vector: embedded.queries.subarray(row * 8, (row + 1) * 8) })),
        { ...configuration.options, method: configuration.method, k: 10 },
      );
      const expected = dataset.queries.map((query, row) => ndcgAt(hits[row].map((hit) => dataset.corpus[hit.index].id), dataset.qrels.get(query.id)!, 10));
      expect(Array.from(scores.ndcg.get(configuration.name)!), configuration.name).toEqual(expected);
    }
    index.dispose();
  });
});

describe('energyTwins and energyEffect', () => {
  it('pairs each fusion with an energy list with its twin without, and averages the differences', () => {
    const { fusions } = configurations(grid);
    const twins = energyTwins(fusions);
    expect(twins).toHaveLength(fusions.length / 2);
    for (const twin of twins) expect(twin.withEnergy.replace(' energy0.5', '')).toBe(twin.without);
    const summaries = fusions.map((c) => ({ name: c.name, objective: 0, eligible: true, collections: { a: c.fusion.weights.energy > 0 ? 0.6 : 0.5, b: 0.4 } }));
    const [effect] = energyEffect({ configurations: summaries }, twins);
    expect(effect).toEqual({ energy: 0.5, pairs: twins.length, collections: { a: { meanChange: expect.closeTo(0.1, 12), improved: 1 }, b: { meanChange: 0, improved: 0 } } });
  });
});

describe('crossValidate', () => {
  // Two collections; per query nDCG of three configurations.
  const collection = (name: string, n: number, values: Record<string, (q: number) => number>): CollectionScores => ({
    name,
    queryIds: Array.from({ length: n }, (_, q) => `${name}-${q}`),
    ndcg: new Map(Object.entries(values).map(([config, f]) => [config, Float64Array.from({ length: n }, (_, q) => f(q))])),
  });
  const a = collection('a', 10, { bm25: () => 0.5, big: () => 0.9, safe: () => 0.6 });
  // 'big' wins on average but loses 20 % to BM25 on b: never eligible.
  const b = collection('b', 23, { bm25: () => 0.5, big: () => 0.4, safe: () => 0.55 });

  it('deals each collection round-robin into the folds', () => {
    const folds = assignFolds([a, b], 5, 42);
    for (const [name, n] of [['a', 10], ['b', 23]] as const) {
      const counts = Array.from({ length: 5 }, (_, f) => folds.get(name)!.filter((x) => x === f).length);
      expect(counts.reduce((s, c) => s + c)).toBe(n);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('picks the best configuration within the tolerance of BM25 on every collection, per fold and on all queries', () => {
    const report = crossValidate([a, b], { folds: 5, seed: 1 });
    expect(report.folds.map((fold) => fold.chosen)).toEqual(['safe', 'safe', 'safe', 'safe', 'safe']);
    expect(report.final.chosen).toBe('safe');
    expect(report.final.objective).toBeCloseTo((0.6 + 0.55) / 2, 12);
    expect(report.pooled.b).toEqual({ chosen: expect.closeTo(0.55, 12), baseline: 0.5, queries: 23 });
    expect(report.leaders[0]).toMatchObject({ name: 'big', eligible: false });
    // With a loose tolerance 'big' is allowed and wins.
    expect(crossValidate([a, b], { tolerance: 0.25 }).final.chosen).toBe('big');
    expect(report.bestPerMethod).toMatchObject({ bm25: { name: 'bm25' }, big: { name: 'big' }, safe: { name: 'safe' } });
    expect(crossValidationMarkdown(report, [], 'cmd')).toMatch(/\*\*safe\*\*/);
    expect(() => crossValidate([a, b], { baseline: 'nope' })).toThrow(/baseline 'nope'/);
  });
});
