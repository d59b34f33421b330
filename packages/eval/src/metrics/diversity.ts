/**
 * Diversity of a top 10 (the seed's claim for energy search): with subtopic labels on the
 * documents (on the CVE/CWE set, the CWE classes a CVE is listed under),
 *  - alpha-nDCG@10 (Clarke et al., SIGIR 2008; alpha 0.5): a relevant document gains
 *    sum over its subtopics s of (1 - alpha)^(relevant documents ranked above it with s), with
 *    log2(rank + 1) discounts, normalised by the greedy ideal ranking of the relevant documents
 *    (as ndeval does). A query's subtopics are the labels of its relevant documents;
 *  - classes@10: distinct labels among the top 10 (relevant or not);
 * and, in the embedding space, ild@10: the mean pairwise cosine distance 1 - cos of the top 10.
 */
import type { Judgements } from './ranking-metrics';

export const DIVERSITY_METRIC_NAMES = ['alpha-ndcg@10', 'classes@10', 'ild@10'] as const;
export type DiversityMetricName = (typeof DIVERSITY_METRIC_NAMES)[number];
/** alpha-nDCG and classes are null where the documents carry no labels (cranfield). */
export type DiversityValues = { 'alpha-ndcg@10': number | null; 'classes@10': number | null; 'ild@10': number };

export const ALPHA = 0.5;
const DEPTH = 10;

/** Document id -> subtopic labels. */
export type Labels = ReadonlyMap<string, readonly string[]>;

function gains(order: readonly string[], judged: Judgements, labels: Labels, alpha: number): number[] {
  const seen = new Map<string, number>();
  return order.map((document) => {
    if (!((judged.get(document) ?? 0) > 0)) return 0;
    let gain = 0;
    for (const label of labels.get(document) ?? []) {
      const count = seen.get(label) ?? 0;
      gain += (1 - alpha) ** count;
      seen.set(label, count + 1);
    }
    return gain;
  });
}

function discounted(values: readonly number[]): number {
  return values.reduce((sum, gain, rank) => sum + gain / Math.log2(rank + 2), 0);
}

/** The greedy ideal: at each rank the relevant document with the largest marginal gain (ties to the earlier id). */
function idealOrder(judged: Judgements, labels: Labels, alpha: number, depth: number): string[] {
  const pool = [...judged].filter(([, grade]) => grade > 0).map(([id]) => id).sort();
  const seen = new Map<string, number>();
  const order: string[] = [];
  while (order.length < depth && pool.length > 0) {
    let best = 0;
    let bestGain = -1;
    pool.forEach((document, index) => {
      const gain = (labels.get(document) ?? []).reduce((sum, label) => sum + (1 - alpha) ** (seen.get(label) ?? 0), 0);
      if (gain > bestGain) [best, bestGain] = [index, gain];
    });
    const [document] = pool.splice(best, 1);
    order.push(document);
    for (const label of labels.get(document) ?? []) seen.set(label, (seen.get(label) ?? 0) + 1);
  }
  return order;
}

export function alphaNdcgAt(ranking: readonly string[], judged: Judgements, labels: Labels, k = DEPTH, alpha = ALPHA): number {
  const ideal = discounted(gains(idealOrder(judged, labels, alpha, k), judged, labels, alpha));
  return ideal > 0 ? discounted(gains(ranking.slice(0, k), judged, labels, alpha)) / ideal : 0;
}

export function distinctLabelsAt(ranking: readonly string[], labels: Labels, k = DEPTH): number {
  return new Set(ranking.slice(0, k).flatMap((document) => labels.get(document) ?? [])).size;
}

/** Mean of 1 - cos over the pairs of the top k (a zero vector has cosine 0 with everything). */
export function intraListDistance(ranking: readonly string[], vectorOf: (document: string) => ArrayLike<number>, k = DEPTH): number {
  const vectors = ranking.slice(0, k).map(vectorOf);
  const norms = vectors.map((v) => Math.sqrt(Array.from(v).reduce((sum, x) => sum + x * x, 0)));
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      let dot = 0;
      for (let c = 0; c < vectors[i].length; c++) dot += vectors[i][c] * vectors[j][c];
      const scale = norms[i] * norms[j];
      total += 1 - (scale > 0 ? dot / scale : 0);
      pairs++;
    }
  }
  return pairs > 0 ? total / pairs : 0;
}

export function diversityMetrics(ranking: readonly string[], judged: Judgements, labels: Labels | null, vectorOf: (document: string) => ArrayLike<number>): DiversityValues {
  return {
    'alpha-ndcg@10': labels ? alphaNdcgAt(ranking, judged, labels) : null,
    'classes@10': labels ? distinctLabelsAt(ranking, labels) : null,
    'ild@10': intraListDistance(ranking, vectorOf),
  };
}

/** Fields of a corpus line read as subtopic labels, in this order: the first array of strings found. */
export const LABEL_FIELDS = ['subtopics', 'labels', 'cwe'] as const;

/** The documents' subtopic labels, or null when no document carries any (then no alpha-nDCG). */
export function documentLabels(corpus: ReadonlyArray<{ id: string; metadata?: Record<string, unknown> }>): Labels | null {
  const labels = new Map<string, string[]>();
  for (const document of corpus) {
    for (const field of LABEL_FIELDS) {
      const value = document.metadata?.[field];
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
        labels.set(document.id, value as string[]);
        break;
      }
    }
  }
  return labels.size > 0 ? labels : null;
}
