/**
 * IR metrics as docs/energy-index.md, "Evaluation" defines them.
 * `ranking` is the retrieved document ids, best first; `judged` maps document id -> grade.
 * A document is relevant when its grade is > 0; unjudged documents have grade 0.
 */
export type Judgements = ReadonlyMap<string, number>;

function grade(judged: Judgements, documentId: string): number {
  const value = judged.get(documentId) ?? 0;
  return value > 0 ? value : 0;
}

function relevantCount(judged: Judgements): number {
  let count = 0;
  for (const value of judged.values()) if (value > 0) count++;
  return count;
}

/** nDCG@k with gains 2^rel - 1 and log2(rank + 1) discounts; the ideal ranking uses all judged documents. */
export function ndcgAt(ranking: readonly string[], judged: Judgements, k: number): number {
  let dcg = 0;
  for (let rank = 0; rank < Math.min(k, ranking.length); rank++) {
    dcg += (2 ** grade(judged, ranking[rank]) - 1) / Math.log2(rank + 2);
  }
  const idealGrades = [...judged.values()].filter((value) => value > 0).sort((a, b) => b - a);
  let idealDcg = 0;
  for (let rank = 0; rank < Math.min(k, idealGrades.length); rank++) {
    idealDcg += (2 ** idealGrades[rank] - 1) / Math.log2(rank + 2);
  }
  return idealDcg === 0 ? 0 : dcg / idealDcg;
}

/** Reciprocal rank of the first relevant document within the top k (0 when none). */
export function reciprocalRankAt(ranking: readonly string[], judged: Judgements, k: number): number {
  for (let rank = 0; rank < Math.min(k, ranking.length); rank++) {
    if (grade(judged, ranking[rank]) > 0) return 1 / (rank + 1);
  }
  return 0;
}

/** Average precision over the top k divided by min(#relevant, k). */
export function averagePrecisionAt(ranking: readonly string[], judged: Judgements, k: number): number {
  const relevant = relevantCount(judged);
  if (relevant === 0) return 0;
  let hits = 0;
  let sum = 0;
  for (let rank = 0; rank < Math.min(k, ranking.length); rank++) {
    if (grade(judged, ranking[rank]) > 0) {
      hits++;
      sum += hits / (rank + 1);
    }
  }
  return sum / Math.min(relevant, k);
}

/** Fraction of all relevant documents found in the top k. */
export function recallAt(ranking: readonly string[], judged: Judgements, k: number): number {
  const relevant = relevantCount(judged);
  if (relevant === 0) return 0;
  let hits = 0;
  for (let rank = 0; rank < Math.min(k, ranking.length); rank++) if (grade(judged, ranking[rank]) > 0) hits++;
  return hits / relevant;
}

export const METRIC_NAMES = ['ndcg@10', 'mrr@10', 'map@20', 'recall@10', 'recall@20'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type MetricValues = Record<MetricName, number>;

/** Depth a ranking must have for every metric in METRIC_NAMES. */
export const EVALUATION_DEPTH = 20;

export function queryMetrics(ranking: readonly string[], judged: Judgements): MetricValues {
  return {
    'ndcg@10': ndcgAt(ranking, judged, 10),
    'mrr@10': reciprocalRankAt(ranking, judged, 10),
    'map@20': averagePrecisionAt(ranking, judged, 20),
    'recall@10': recallAt(ranking, judged, 10),
    'recall@20': recallAt(ranking, judged, 20),
  };
}

/**
 * Mean of every metric over the queries that have at least one relevant judgement; queries
 * without a ranking count as empty rankings (score 0), never skipped.
 */
export function meanMetrics(
  rankings: ReadonlyMap<string, readonly string[]>,
  qrels: ReadonlyMap<string, Judgements>,
  queryIds: readonly string[],
): { metrics: MetricValues; evaluatedQueries: number } {
  const totals: MetricValues = { 'ndcg@10': 0, 'mrr@10': 0, 'map@20': 0, 'recall@10': 0, 'recall@20': 0 };
  let evaluated = 0;
  for (const queryId of queryIds) {
    const judged = qrels.get(queryId);
    if (!judged || relevantCount(judged) === 0) continue;
    const values = queryMetrics(rankings.get(queryId) ?? [], judged);
    for (const name of METRIC_NAMES) totals[name] += values[name];
    evaluated++;
  }
  if (evaluated > 0) for (const name of METRIC_NAMES) totals[name] /= evaluated;
  return { metrics: totals, evaluatedQueries: evaluated };
}
