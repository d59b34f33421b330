/**
 * Fusion of ranked candidate lists: each query's top-`depth` of a lexical and of a dense method
 * (and, when weighted, the energy distance of their union's items). Host code, the same for both
 * backends: it sees a few hundred candidates per query, while the lists come from passes over
 * every item on the backend. A list's contribution to an item d:
 *   rrf     w / (rrfK + rank(d)), rank counted from 1 (reciprocal rank fusion);
 *   minmax  w (s(d) - min) / (max - min) over the list's scores;
 *   zscore  w (s(d) - min) / std: the z-score shifted by a per-list constant, so the order is
 *           that of summed z-scores while an item missing from a list scores like the list's
 *           last member (0), as in minmax.
 * An item missing from a list gets nothing from it. A list whose scores are all equal carries no
 * order and adds nothing under minmax and zscore. Fused scores sort descending, ties to the lower
 * item index.
 */
import type { FusionParameters } from './params';

export type FusionKind = 'rrf' | 'minmax' | 'zscore';

export interface CandidateList {
  /** Items best first. */
  indices: ArrayLike<number>;
  /** Their scores, larger is better (ranks alone for rrf). */
  scores: ArrayLike<number>;
  weight: number;
}

/**
 * One query's fusion as the fusion methods run it: its lexical and dense lists and, when
 * fusion.weights.energy > 0, the energy keys (negated distances, from `energyOf`) of their
 * union's items as a third list.
 */
export function fuseCandidates(
  lexical: Omit<CandidateList, 'weight'>,
  dense: Omit<CandidateList, 'weight'>,
  energyOf: (items: readonly number[]) => ArrayLike<number>,
  fusion: FusionParameters,
  kind: FusionKind,
  k: number,
): { indices: number[]; scores: number[] } {
  const lists: CandidateList[] = [
    { ...lexical, weight: fusion.weights.lexical },
    { ...dense, weight: fusion.weights.dense },
  ];
  if (fusion.weights.energy > 0) {
    const union = [...new Set([...Array.from(lexical.indices), ...Array.from(dense.indices)])].sort((x, y) => x - y);
    const keys = energyOf(union);
    const order = union.map((_, j) => j).sort((x, y) => keys[y] - keys[x] || union[x] - union[y]);
    lists.push({ indices: order.map((j) => union[j]), scores: order.map((j) => keys[j]), weight: fusion.weights.energy });
  }
  return fuseLists(lists, kind, fusion.rrfK, k);
}

export function fuseLists(lists: readonly CandidateList[], kind: FusionKind, rrfK: number, k: number): { indices: number[]; scores: number[] } {
  const fused = new Map<number, number>();
  for (const list of lists) {
    if (list.weight === 0) continue;
    const contribution = contributions(list.scores, kind, rrfK);
    for (let j = 0; j < list.indices.length; j++) {
      const item = list.indices[j];
      fused.set(item, (fused.get(item) ?? 0) + list.weight * contribution[j]);
    }
  }
  const ranked = [...fused].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
  return { indices: ranked.map(([item]) => item), scores: ranked.map(([, score]) => score) };
}

function contributions(scores: ArrayLike<number>, kind: FusionKind, rrfK: number): Float64Array {
  const n = scores.length;
  if (kind === 'rrf') return Float64Array.from({ length: n }, (_, j) => 1 / (rrfK + j + 1));
  let min = Infinity;
  let max = -Infinity;
  let mean = 0;
  for (let j = 0; j < n; j++) {
    min = Math.min(min, scores[j]);
    max = Math.max(max, scores[j]);
    mean += scores[j] / n;
  }
  let scale = max - min;
  if (kind === 'zscore') {
    let variance = 0;
    for (let j = 0; j < n; j++) variance += (scores[j] - mean) ** 2 / n;
    scale = Math.sqrt(variance);
  }
  return Float64Array.from({ length: n }, (_, j) => (scale > 0 ? (scores[j] - min) / scale : 0));
}
