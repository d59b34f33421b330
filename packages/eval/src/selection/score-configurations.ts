/**
 * nDCG@10 of every configuration on every evaluated query of one collection. Each component
 * (a lexical or dense method with one parameter setting) is searched once through the index to
 * the fusion depth; every fusion configuration then fuses those lists with the index's own
 * fuseCandidates, which is what the fusion methods run (the energy list's distances come from
 * index.scoreItems, once per query for the union of all lists). The tests check that a fused
 * configuration ranks exactly as index.search with the same options.
 */
import { fuseCandidates, SEARCH_METHODS, type EnergyIndex, type SearchQuery } from '@opticspace/index';
import type { RetrievalDataset } from '../dataset/types';
import { isEvaluated, ndcgAt } from '../metrics/ranking-metrics';
import { configurations, type Configuration, type SelectionGrid } from './grid';

export interface CollectionScores {
  name: string;
  /** The evaluated queries (with a relevant judgement), in dataset order. */
  queryIds: string[];
  /** Configuration name -> nDCG@10 per evaluated query. */
  ndcg: Map<string, Float64Array>;
}

interface Lists {
  indices: Uint32Array[];
  scores: Float32Array[];
}

export async function scoreConfigurations(
  dataset: RetrievalDataset,
  index: EnergyIndex,
  queryVectors: Float32Array,
  grid: SelectionGrid,
  onProgress?: (stage: string) => void,
): Promise<CollectionScores> {
  const dims = index.dimension;
  const evaluated = dataset.queries.map((query, row) => ({ query, row })).filter(({ query }) => isEvaluated(dataset.qrels.get(query.id)));
  const queries: SearchQuery[] = evaluated.map(({ query, row }) => ({ text: query.text, vector: queryVectors.subarray(row * dims, (row + 1) * dims) }));
  const { singles, fusions } = configurations(grid);
  const depth = Math.min(grid.depth, index.size);

  const lists = new Map<string, Lists>();
  for (const component of singles) {
    const hits = await index.search(queries, { ...component.options, method: component.method, k: depth });
    lists.set(component.name, { indices: hits.map((row) => Uint32Array.from(row, (hit) => hit.index)), scores: hits.map((row) => Float32Array.from(row, (hit) => hit.score)) });
    onProgress?.(component.name);
  }
  // Energy keys (negated distances) of every item any list holds, per query.
  const energy: Array<Map<number, number>> = [];
  if (grid.energyWeight.some((weight) => weight > 0)) {
    const unions = queries.map((_, b) => [...new Set([...lists.values()].flatMap((list) => Array.from(list.indices[b])))]);
    const distances = await index.scoreItems(queries.map((query) => query.vector!), unions, { method: 'energy' });
    unions.forEach((items, b) => energy.push(new Map(items.map((item, j) => [item, -distances[b][j]]))));
    onProgress?.('energy');
  }

  const ndcg = new Map<string, Float64Array>();
  const score = (configuration: Configuration, ranking: (b: number) => ArrayLike<number>) => {
    const values = new Float64Array(queries.length);
    evaluated.forEach(({ query }, b) => {
      const ids = Array.from(ranking(b), (item) => dataset.corpus[item].id);
      values[b] = ndcgAt(ids, dataset.qrels.get(query.id)!, 10);
    });
    ndcg.set(configuration.name, values);
  };
  for (const single of singles) score(single, (b) => lists.get(single.name)!.indices[b].subarray(0, 10));
  for (const configuration of fusions) {
    const lexical = lists.get(configuration.lexical.name)!;
    const dense = lists.get(configuration.dense.name)!;
    const kind = SEARCH_METHODS[configuration.method].fusionKind!;
    score(configuration, (b) => {
      const pick = (list: Lists) => ({ indices: list.indices[b], scores: list.scores[b] });
      const energyOf = (items: readonly number[]) => items.map((item) => energy[b].get(item)!);
      return fuseCandidates(pick(lexical), pick(dense), energyOf, configuration.fusion, kind, 10).indices;
    });
  }
  onProgress?.('fusions');
  return { name: dataset.name, queryIds: evaluated.map(({ query }) => query.id), ndcg };
}
