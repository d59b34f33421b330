import { describe, expect, it } from 'vitest';
import { EnergyIndex } from '@opticspace/index';
import {
  embedDataset,
  evaluateDataset,
  LexicalEmbedder,
  meanMetrics,
  parseMethods,
  rankWithBm25,
  rankWithIndex,
  rankWithBlend,
  DEFAULT_METHOD_PARAMETERS,
  METRIC_NAMES,
} from '../src/index';
import { tinyDataset } from './fixtures/tiny-dataset';

describe('evaluateDataset', () => {
  it('reports every metric for every method, equal to ranking and scoring by hand', async () => {
    const dataset = tinyDataset();
    const build = { backend: 'cpu' as const };
    const report = await evaluateDataset(dataset, { dims: 8, seed: 3, build });
    expect(report.docs).toBe(36);
    expect(report.queries).toBe(8);
    expect(report.evaluatedQueries).toBe(8);
    expect(Object.keys(report.results)).toEqual(['cosine', 'lambdaAware', 'energy', 'hybrid', 'bm25']);
    // 'blend' runs only when asked for.
    expect((await evaluateDataset(dataset, { dims: 8, seed: 3, build, methods: ['blend'] })).results.blend!['ndcg@10']).toBeGreaterThan(0);
    for (const metrics of Object.values(report.results)) {
      expect(Object.keys(metrics!)).toEqual([...METRIC_NAMES]);
      for (const value of Object.values(metrics!)) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    // The topics are lexically separable: BM25 and cosine find relevant documents first.
    expect(report.results.bm25!['mrr@10']).toBe(1);
    expect(report.results.cosine!['mrr@10']).toBeGreaterThan(0.9);

    // Same numbers when the steps are done by hand.
    const embedded = await embedDataset(dataset, new LexicalEmbedder({ dims: 8, seed: 3 }));
    const index = await EnergyIndex.build(embedded.documents, { seed: 3, backend: 'cpu', dimension: 8 });
    const ids = dataset.queries.map((query) => query.id);
    for (const method of ['cosine', 'energy'] as const) {
      const rankings = await rankWithIndex(index, dataset, embedded.queries, method, DEFAULT_METHOD_PARAMETERS);
      expect(meanMetrics(rankings, dataset.qrels, ids).metrics).toEqual(report.results[method]);
    }
    index.dispose();
    expect(meanMetrics(rankWithBm25(dataset), dataset.qrels, ids).metrics).toEqual(report.results.bm25);
    expect(report.build!.backend).toBe('cpu');
    expect(report.timings.buildMs).toBeGreaterThan(0);
  });

  it('blend with beta 0 ranks exactly as cosine; with beta > 0 it moves toward the energy ranking', async () => {
    const dataset = tinyDataset();
    const embedded = await embedDataset(dataset, new LexicalEmbedder({ dims: 8, seed: 3 }));
    const index = await EnergyIndex.build(embedded.documents, { seed: 3, backend: 'cpu', dimension: 8 });
    try {
      const cosine = await rankWithIndex(index, dataset, embedded.queries, 'cosine', DEFAULT_METHOD_PARAMETERS);
      const blendZero = await rankWithBlend(index, dataset, embedded.queries, { ...DEFAULT_METHOD_PARAMETERS, blendBeta: 0 });
      expect(blendZero).toEqual(cosine);
      // A huge beta leaves only the energy distance: the first hit is the energy method's first hit.
      const energy = await rankWithIndex(index, dataset, embedded.queries, 'energy', DEFAULT_METHOD_PARAMETERS);
      const blendHuge = await rankWithBlend(index, dataset, embedded.queries, { ...DEFAULT_METHOD_PARAMETERS, blendBeta: 1e6 });
      for (const query of dataset.queries) expect(blendHuge.get(query.id)![0]).toBe(energy.get(query.id)![0]);
    } finally {
      index.dispose();
    }
  });

  it('runs BM25 alone without building an index, and rejects unknown methods', async () => {
    const report = await evaluateDataset(tinyDataset(), { methods: ['bm25'] });
    expect(Object.keys(report.results)).toEqual(['bm25']);
    expect(report.build).toBeUndefined();
    expect(() => parseMethods(['cosine', 'dense'])).toThrow(/unknown method 'dense'/);
    expect(parseMethods(['bm25', 'bm25', 'energy'])).toEqual(['bm25', 'energy']);
  });
});
