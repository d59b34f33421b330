/**
 * RM3 query expansion (Lavrenko and Croft's relevance model RM1, interpolated with the query as
 * Anserini's Rm3Reranker does it). From the first pass's top documents D with BM25 scores s(D):
 *   P(t | R) ~ sum over D of s(D) * tf(t, D) / |D|,
 * keep the `terms` largest (ties to the lower term id) and L1-normalise; then
 *   q'(t) = originalWeight * q(t) / |q|_1 + (1 - originalWeight) * P(t | R),
 * and the second pass scores BM25 with these term weights. Unlike Anserini we keep terms that
 * occur in more than 10 % of the documents as expansion candidates: on both development sets the
 * filter lost nDCG@10 (cranfield -0.006, CVE/CWE within 0.001) and BM25's IDF already weighs
 * common terms down.
 */
import type { Rm3Parameters } from '../params';
import type { Bm25Index } from './bm25';
import type { SparseRow } from './vocabulary';

/** The expanded term weights of one query from its first-pass documents and their scores. */
export function rm3Query(
  bm25: Bm25Index,
  query: SparseRow,
  feedback: { indices: ArrayLike<number>; scores: ArrayLike<number> },
  p: Rm3Parameters,
): SparseRow {
  const { rowPtr, columnIndex, values } = bm25.counts;
  const relevance = new Map<number, number>();
  for (let j = 0; j < feedback.indices.length; j++) {
    const document = feedback.indices[j];
    const score = feedback.scores[j];
    const length = bm25.documentLength[document];
    if (!(score > 0) || length === 0) continue;
    for (let e = rowPtr[document]; e < rowPtr[document + 1]; e++) {
      const term = columnIndex[e];
      relevance.set(term, (relevance.get(term) ?? 0) + (score * values[e]) / length);
    }
  }
  const kept = [...relevance].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, p.terms);
  const relevanceTotal = kept.reduce((sum, [, weight]) => sum + weight, 0);
  const queryTotal = query.values.reduce((sum, value) => sum + value, 0);
  const combined = new Map<number, number>();
  if (queryTotal > 0) query.terms.forEach((term, j) => combined.set(term, (p.originalWeight * query.values[j]) / queryTotal));
  if (relevanceTotal > 0) {
    for (const [term, weight] of kept) combined.set(term, (combined.get(term) ?? 0) + ((1 - p.originalWeight) * weight) / relevanceTotal);
  }
  const terms = Uint32Array.from([...combined.keys()].sort((a, b) => a - b));
  return { terms, values: Float64Array.from(terms, (term) => combined.get(term)!) };
}
