/**
 * Choosing the default search method by cross-validation over the queries of several
 * collections together, never tuned on one:
 *  - folds: each collection's evaluated queries are shuffled (seeded) and dealt round-robin into
 *    F folds, so every fold holds queries of every collection;
 *  - objective on a set of training queries: the mean over collections of the configuration's
 *    mean nDCG@10 on that collection's training queries (each collection weighs the same,
 *    whatever its number of queries);
 *  - constraint: on the training queries of every collection the configuration must reach at
 *    least (1 - tolerance) x the baseline's (BM25) mean nDCG@10;
 *  - each fold picks the best eligible configuration on the other folds and is scored with it
 *    (held out); the shipped default is the pick on all queries. Ties go to the earlier
 *    configuration of the grid.
 */
import { InvalidInputError, SeededRandom } from '@opticspace/gpu';
import type { CollectionScores } from './score-configurations';

export interface CrossValidationOptions {
  folds?: number;
  seed?: number;
  /** Configuration every pick must stay close to (default 'bm25'). */
  baseline?: string;
  /** Largest relative loss to the baseline allowed on any collection (default 0.01). */
  tolerance?: number;
}

export interface FoldResult {
  fold: number;
  /** Held-out queries per collection. */
  queries: Record<string, number>;
  chosen: string;
  /** The objective of the pick on the training folds. */
  trainObjective: number;
  /** Mean nDCG@10 on the held-out queries, per collection: the pick and the baseline. */
  heldOut: Record<string, { chosen: number; baseline: number }>;
}

export interface ConfigurationSummary {
  name: string;
  objective: number;
  /** Within the tolerance of the baseline on every collection. */
  eligible: boolean;
  /** Mean nDCG@10 per collection. */
  collections: Record<string, number>;
}

export interface CrossValidationReport {
  folds: FoldResult[];
  /** Every query scored by the configuration its fold picked without it: mean per collection. */
  pooled: Record<string, { chosen: number; baseline: number; queries: number }>;
  /** The pick on all queries (the shipped default) and its numbers on all queries. */
  final: { chosen: string; objective: number; collections: Record<string, { chosen: number; baseline: number }> };
  /** The best configurations on all queries by the objective (eligible or not), for context. */
  leaders: ConfigurationSummary[];
  /** Every configuration on all queries, in grid order. */
  configurations: ConfigurationSummary[];
  /** The best configuration of each method on all queries. */
  bestPerMethod: Record<string, ConfigurationSummary>;
  settings: Required<CrossValidationOptions> & { configurations: number };
}

/** Fold of every evaluated query, per collection (round-robin over a seeded shuffle). */
export function assignFolds(collections: readonly CollectionScores[], folds: number, seed: number): Map<string, Int32Array> {
  const assignment = new Map<string, Int32Array>();
  const random = new SeededRandom(seed);
  for (const collection of collections) {
    const order = collection.queryIds.map((_, index) => index);
    for (let i = order.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const fold = new Int32Array(order.length);
    order.forEach((query, position) => (fold[query] = position % folds));
    assignment.set(collection.name, fold);
  }
  return assignment;
}

function meanWhere(values: Float64Array, keep: (query: number) => boolean): number {
  let sum = 0;
  let count = 0;
  for (let q = 0; q < values.length; q++) {
    if (!keep(q)) continue;
    sum += values[q];
    count++;
  }
  return count > 0 ? sum / count : 0;
}

/** The method of a configuration name ("linear[...]" -> "linear"; "bm25Rm3 d2 ..." -> "bm25Rm3"). */
function methodOf(name: string): string {
  return name.split(/[[ ]/)[0];
}

export function crossValidate(collections: readonly CollectionScores[], options: CrossValidationOptions = {}): CrossValidationReport {
  const settings = { folds: 5, seed: 42, baseline: 'bm25', tolerance: 0.01, ...options };
  const names = [...collections[0].ndcg.keys()];
  if (!collections.every((c) => c.ndcg.has(settings.baseline))) throw new InvalidInputError(`baseline '${settings.baseline}' is not among the configurations`);
  for (const c of collections) {
    if (c.queryIds.length < settings.folds) throw new InvalidInputError(`${c.name} has ${c.queryIds.length} evaluated queries, fewer than ${settings.folds} folds`);
  }
  const folds = assignFolds(collections, settings.folds, settings.seed);

  /** Per collection mean of a configuration over the queries `keep` selects. */
  const means = (name: string, keep: (collection: string, query: number) => boolean) =>
    Object.fromEntries(collections.map((c) => [c.name, meanWhere(c.ndcg.get(name)!, (q) => keep(c.name, q))]));
  const objectiveOf = (perCollection: Record<string, number>) => Object.values(perCollection).reduce((a, b) => a + b, 0) / collections.length;

  /** The best eligible configuration on the queries `keep` selects. */
  const pick = (keep: (collection: string, query: number) => boolean) => {
    const baseline = means(settings.baseline, keep);
    let best = { name: settings.baseline, objective: objectiveOf(baseline) };
    for (const name of names) {
      const perCollection = means(name, keep);
      const eligible = collections.every((c) => perCollection[c.name] >= (1 - settings.tolerance) * baseline[c.name]);
      const objective = objectiveOf(perCollection);
      if (eligible && objective > best.objective) best = { name, objective };
    }
    return best;
  };

  const foldResults: FoldResult[] = [];
  const pooledChosen = new Map(collections.map((c) => [c.name, new Float64Array(c.queryIds.length)]));
  for (let fold = 0; fold < settings.folds; fold++) {
    const chosen = pick((collection, q) => folds.get(collection)![q] !== fold);
    const heldOut = (collection: string, q: number) => folds.get(collection)![q] === fold;
    const chosenMeans = means(chosen.name, heldOut);
    const baselineMeans = means(settings.baseline, heldOut);
    for (const c of collections) {
      const values = c.ndcg.get(chosen.name)!;
      folds.get(c.name)!.forEach((f, q) => f === fold && (pooledChosen.get(c.name)![q] = values[q]));
    }
    foldResults.push({
      fold,
      queries: Object.fromEntries(collections.map((c) => [c.name, folds.get(c.name)!.filter((f) => f === fold).length])),
      chosen: chosen.name,
      trainObjective: chosen.objective,
      heldOut: Object.fromEntries(collections.map((c) => [c.name, { chosen: chosenMeans[c.name], baseline: baselineMeans[c.name] }])),
    });
  }
  const all = () => true;
  const final = pick(all);
  const finalMeans = means(final.name, all);
  const baselineAll = means(settings.baseline, all);
  const summaries = names.map((name) => {
    const perCollection = means(name, all);
    return {
      name,
      objective: objectiveOf(perCollection),
      eligible: collections.every((c) => perCollection[c.name] >= (1 - settings.tolerance) * baselineAll[c.name]),
      collections: perCollection,
    };
  });
  const leaders = [...summaries].sort((a, b) => b.objective - a.objective).slice(0, 15);
  const bestPerMethod: Record<string, ConfigurationSummary> = {};
  for (const summary of summaries) {
    const method = methodOf(summary.name);
    if (!bestPerMethod[method] || summary.objective > bestPerMethod[method].objective) bestPerMethod[method] = summary;
  }
  return {
    folds: foldResults,
    pooled: Object.fromEntries(
      collections.map((c) => [c.name, { chosen: meanWhere(pooledChosen.get(c.name)!, all), baseline: baselineAll[c.name], queries: c.queryIds.length }]),
    ),
    final: {
      chosen: final.name,
      objective: final.objective,
      collections: Object.fromEntries(collections.map((c) => [c.name, { chosen: finalMeans[c.name], baseline: baselineAll[c.name] }])),
    },
    leaders,
    configurations: summaries,
    bestPerMethod,
    settings: { ...settings, configurations: names.length },
  };
}

export interface EnergyEffect {
  /** Weight of the energy list. */
  energy: number;
  /** Fusion configurations with that weight that have a twin without the energy list. */
  pairs: number;
  /** Per collection: mean nDCG@10 difference to the twin (all queries), and the share of pairs it improves. */
  collections: Record<string, { meanChange: number; improved: number }>;
}

/** What adding the energy list does to a fusion: the twins' nDCG@10 differences, per energy weight. */
export function energyEffect(report: Pick<CrossValidationReport, 'configurations'>, twins: ReadonlyArray<{ energy: number; withEnergy: string; without: string }>): EnergyEffect[] {
  const byName = new Map(report.configurations.map((c) => [c.name, c.collections]));
  const weights = [...new Set(twins.map((t) => t.energy))].sort((a, b) => a - b);
  return weights.map((energy) => {
    const pairs = twins.filter((t) => t.energy === energy);
    const names = Object.keys(byName.get(pairs[0].withEnergy)!);
    const collections = Object.fromEntries(
      names.map((collection) => {
        const changes = pairs.map((t) => byName.get(t.withEnergy)![collection] - byName.get(t.without)![collection]);
        return [collection, { meanChange: changes.reduce((a, b) => a + b, 0) / changes.length, improved: changes.filter((c) => c > 0).length / changes.length }];
      }),
    );
    return { energy, pairs: pairs.length, collections };
  });
}
