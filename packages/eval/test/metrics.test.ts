import { describe, expect, it } from 'vitest';
import { alphaNdcgAt, averagePrecisionAt, distinctLabelsAt, diversityMetrics, documentLabels, intraListDistance, meanMetrics, ndcgAt, recallAt, reciprocalRankAt } from '../src/index';

// Judgements: a=3, b=1, c=2 relevant; d judged 0; e judged -1 (treated as 0); x unjudged.
const judged = new Map([
  ['a', 3],
  ['b', 1],
  ['c', 2],
  ['d', 0],
  ['e', -1],
]);

describe('ranking metrics (hand-computed)', () => {
  it('nDCG@k uses 2^rel - 1 gains and the ideal order of all judged documents', () => {
    // DCG = (2^1-1)/log2(2) + 0/log2(3) + (2^3-1)/log2(4) = 1 + 3.5 = 4.5
    // IDCG@3 = 7/1 + 3/log2(3) + 1/2 = 7 + 1.892789 + 0.5 = 9.392789
    expect(ndcgAt(['b', 'x', 'a'], judged, 3)).toBeCloseTo(4.5 / (7 + 3 / Math.log2(3) + 0.5), 12);
    expect(ndcgAt(['a', 'c', 'b'], judged, 3)).toBeCloseTo(1, 12);
    // Cut-off at k=1: only b counts: 1 / 7.
    expect(ndcgAt(['b', 'a'], judged, 1)).toBeCloseTo(1 / 7, 12);
    expect(ndcgAt(['d', 'e', 'x'], judged, 10)).toBe(0);
    expect(ndcgAt(['a'], new Map([['a', 0]]), 10)).toBe(0);
  });

  it('MRR@k is the reciprocal rank of the first relevant hit within k', () => {
    expect(reciprocalRankAt(['x', 'd', 'c', 'a'], judged, 10)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRankAt(['x', 'd', 'c'], judged, 2)).toBe(0);
    expect(reciprocalRankAt(['e'], judged, 10)).toBe(0);
  });

  it('AP@k divides by min(#relevant, k)', () => {
    // hits at ranks 1 and 3: (1/1 + 2/3) / min(3, 20) = 0.5555...
    expect(averagePrecisionAt(['a', 'x', 'b', 'd'], judged, 20)).toBeCloseTo((1 + 2 / 3) / 3, 12);
    // k = 2: one hit at rank 1, divided by min(3, 2) = 2.
    expect(averagePrecisionAt(['a', 'x', 'b'], judged, 2)).toBeCloseTo(0.5, 12);
    expect(averagePrecisionAt(['c', 'a', 'b'], judged, 20)).toBeCloseTo(1, 12);
  });

  it('Recall@k counts relevant documents found over all relevant', () => {
    expect(recallAt(['a', 'x', 'b', 'c'], judged, 3)).toBeCloseTo(2 / 3, 12);
    expect(recallAt(['a', 'x', 'b', 'c'], judged, 20)).toBe(1);
    expect(recallAt([], judged, 10)).toBe(0);
  });

  it('means over queries with a relevant judgement; missing rankings score 0', () => {
    const qrels = new Map([
      ['q1', new Map([['a', 1]])],
      ['q2', new Map([['b', 2]])],
      ['q3', new Map([['c', 0]])],
    ]);
    const rankings = new Map([['q1', ['a']]]);
    const { metrics, evaluatedQueries } = meanMetrics(rankings, qrels, ['q1', 'q2', 'q3']);
    expect(evaluatedQueries).toBe(2);
    expect(metrics['ndcg@10']).toBeCloseTo(0.5, 12);
    expect(metrics['mrr@10']).toBeCloseTo(0.5, 12);
    expect(metrics['recall@20']).toBeCloseTo(0.5, 12);
  });
});

describe('diversity metrics', () => {
  const judged = new Map([
    ['d1', 1],
    ['d2', 2],
    ['d3', 1],
    ['d4', 0],
  ]);
  const labels = new Map([
    ['d1', ['A']],
    ['d2', ['A', 'B']],
    ['d3', ['B']],
    ['d4', ['C']],
  ]);

  it('alpha-nDCG@10 by hand (alpha 0.5, greedy ideal)', () => {
    // Gains: d1 1; d4 0 (not relevant); d2 0.5 (A seen once) + 1 (B new). Ideal: d2 (2), d1 (0.5), d3 (0.5).
    const dcg = 1 + 1.5 / Math.log2(4);
    const ideal = 2 + 0.5 / Math.log2(3) + 0.5 / Math.log2(4);
    expect(alphaNdcgAt(['d1', 'd4', 'd2'], judged, labels)).toBeCloseTo(dcg / ideal, 12);
    expect(alphaNdcgAt(['d2', 'd1', 'd3'], judged, labels)).toBeCloseTo(1, 12);
    expect(alphaNdcgAt(['d4'], judged, labels)).toBe(0);
    // With alpha 0 redundancy costs nothing: every label of a relevant document counts fully.
    expect(alphaNdcgAt(['d2', 'd1', 'd3'], judged, labels, 10, 0)).toBeCloseTo(1, 12);
  });

  it('distinct classes and intra-list distance', () => {
    expect(distinctLabelsAt(['d1', 'd4', 'd2'], labels)).toBe(3);
    expect(distinctLabelsAt(['d1', 'd2', 'd3'], labels, 1)).toBe(1);
    const vectors: Record<string, number[]> = { d1: [1, 0], d4: [0, 1], d2: [1, 1], z: [0, 0] };
    expect(intraListDistance(['d1', 'd4', 'd2'], (id) => vectors[id])).toBeCloseTo((3 - Math.SQRT2) / 3, 12);
    expect(intraListDistance(['d1'], (id) => vectors[id])).toBe(0);
    expect(intraListDistance(['d1', 'z'], (id) => vectors[id])).toBe(1);
  });

  it('reads labels from the corpus fields subtopics, labels or cwe; none gives null', () => {
    expect(documentLabels([{ id: 'a', metadata: { cwe: ['CWE-79'] } }, { id: 'b' }])).toEqual(new Map([['a', ['CWE-79']]]));
    expect(documentLabels([{ id: 'a', metadata: { other: 1 } }])).toBeNull();
    expect(diversityMetrics(['d1'], judged, null, () => [1])).toEqual({ 'alpha-ndcg@10': null, 'classes@10': null, 'ild@10': 0 });
  });
});
