import { describe, expect, it } from 'vitest';
import { EnergyIndex, SEARCH_METHOD_NAMES } from '@opticspace/index';
import {
  Bm25Index,
  documentText,
  embedDataset,
  evaluateDataset,
  LexicalEmbedder,
  meanMetrics,
  parseMethods,
  rankWithIndex,
  rankWithBlend,
  DEFAULT_METHOD_PARAMETERS,
  DIVERSITY_METRIC_NAMES,
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
    expect(Object.keys(report.results)).toEqual(SEARCH_METHOD_NAMES);
    // 'blend' runs only when asked for.
    expect((await evaluateDataset(dataset, { dims: 8, seed: 3, build, methods: ['blend'] })).results.blend!['ndcg@10']).toBeGreaterThan(0);
    for (const metrics of Object.values(report.results)) {
      expect(Object.keys(metrics!)).toEqual([...METRIC_NAMES, ...DIVERSITY_METRIC_NAMES]);
      for (const name of METRIC_NAMES) {
        expect(metrics![name]).toBeGreaterThanOrEqual(0);
        expect(metrics![name]).toBeLessThanOrEqual(1);
      }
      // The tiny corpus has no labels: no alpha-nDCG; the intra-list distance is a mean of 1 - cos.
      expect(metrics!['alpha-ndcg@10']).toBeNull();
      expect(metrics!['ild@10']).toBeGreaterThan(0);
      expect(metrics!['ild@10']).toBeLessThanOrEqual(2);
    }
    // 36 documents: every relevant document (9 per query) is in the top 100.
    expect(report.results.cosine!['recall@100']).toBe(1);
    // The topics are lexically separable: BM25 and cosine find relevant documents first.
    expect(report.results.bm25!['mrr@10']).toBe(1);
    expect(report.results.cosine!['mrr@10']).toBeGreaterThan(0.9);

    // Same numbers when the steps are done by hand.
    const embedded = await embedDataset(dataset, new LexicalEmbedder({ dims: 8, seed: 3 }));
    const texts = dataset.corpus.map(documentText);
    const index = await EnergyIndex.build(embedded.documents, { seed: 3, backend: 'cpu', dimension: 8, documents: texts });
    const ids = dataset.queries.map((query) => query.id);
    for (const method of ['cosine', 'energy', 'bm25', 'rrf'] as const) {
      const rankings = await rankWithIndex(index, dataset, embedded.queries, method, DEFAULT_METHOD_PARAMETERS);
      expect(report.results[method]).toMatchObject(meanMetrics(rankings, dataset.qrels, ids).metrics);
    }
    index.dispose();
    // BM25 through the index ranks as the standalone Bm25Index.
    const bm25 = new Bm25Index(texts);
    const byHand = new Map(dataset.queries.map((query) => [query.id, bm25.search(query.text, 100).map((hit) => dataset.corpus[hit.index].id)]));
    expect(report.results.bm25).toMatchObject(meanMetrics(byHand, dataset.qrels, ids).metrics);
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

  it('runs one method alone, and rejects unknown methods', async () => {
    const report = await evaluateDataset(tinyDataset(), { methods: ['bm25'], dims: 8, build: { backend: 'cpu' } });
    expect(Object.keys(report.results)).toEqual(['bm25']);
    expect(() => parseMethods(['cosine', 'dense'])).toThrow(/unknown method 'dense'/);
    expect(parseMethods(['bm25', 'bm25', 'energy'])).toEqual(['bm25', 'energy']);
  });
});
