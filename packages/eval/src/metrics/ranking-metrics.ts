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

export const METRIC_NAMES = ['ndcg@10', 'mrr@10', 'map@20', 'recall@10', 'recall@20', 'recall@100'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type MetricValues = Record<MetricName, number>;

/** Depth a ranking must have for every metric in METRIC_NAMES. */
export const EVALUATION_DEPTH = 100;

export function queryMetrics(ranking: readonly string[], judged: Judgements): MetricValues {
  return {
    'ndcg@10': ndcgAt(ranking, judged, 10),
    'mrr@10': reciprocalRankAt(ranking, judged, 10),
    'map@20': averagePrecisionAt(ranking, judged, 20),
    'recall@10': recallAt(ranking, judged, 10),
    'recall@20': recallAt(ranking, judged, 20),
    'recall@100': recallAt(ranking, judged, 100),
  };
}

/** Whether a query counts in the means: it has at least one relevant judgement. */
export function isEvaluated(judged: Judgements | undefined): judged is Judgements {
  return judged !== undefined && relevantCount(judged) > 0;
}

/**
 * Every metric of every query that has at least one relevant judgement; queries without a
 * ranking count as empty rankings (score 0), never skipped.
 */
export function perQueryMetrics(
  rankings: ReadonlyMap<string, readonly string[]>,
  qrels: ReadonlyMap<string, Judgements>,
  queryIds: readonly string[],
): Map<string, MetricValues> {
  const values = new Map<string, MetricValues>();
  for (const queryId of queryIds) {
    const judged = qrels.get(queryId);
    if (isEvaluated(judged)) values.set(queryId, queryMetrics(rankings.get(queryId) ?? [], judged));
  }
  return values;
}

/** Mean of every metric over the queries that have at least one relevant judgement. */
export function meanMetrics(
  rankings: ReadonlyMap<string, readonly string[]>,
  qrels: ReadonlyMap<string, Judgements>,
  queryIds: readonly string[],
): { metrics: MetricValues; evaluatedQueries: number } {
  const values = [...perQueryMetrics(rankings, qrels, queryIds).values()];
  return { metrics: meanOf(values, METRIC_NAMES), evaluatedQueries: values.length };
}

/** Mean of each named field over rows (0 when there are no rows). */
export function meanOf<N extends string>(rows: ReadonlyArray<Record<N, number>>, names: readonly N[]): Record<N, number> {
  const totals = Object.fromEntries(names.map((name) => [name, 0])) as Record<N, number>;
  for (const row of rows) for (const name of names) totals[name] += row[name];
  if (rows.length > 0) for (const name of names) totals[name] /= rows.length;
  return totals;
}
