/** Sparse term rows live in @opticspace/index (BM25 is an index method); re-exported for the embedders. */
export { Vocabulary, countTerms, documentFrequencies, type SparseRow } from '@opticspace/index';

/**
 * Indices of the k largest scores (or smallest when `ascending`), ties broken by lower index.
 * NaN scores rank last.
 */
export function topKIndices(scores: ArrayLike<number>, k: number, ascending = false): number[] {
  const count = Math.min(k, scores.length);
  const order = Array.from({ length: scores.length }, (_, index) => index);
  const key = (index: number): number => {
    const value = scores[index];
    if (Number.isNaN(value)) return Number.POSITIVE_INFINITY;
    return ascending ? value : -value;
  };
  order.sort((a, b) => key(a) - key(b) || a - b);
  return order.slice(0, count);
}
