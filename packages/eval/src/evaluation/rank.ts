/** Rankings (query id -> document ids, best first) from an index. */
import type { EnergyIndex } from '@opticspace/index';
import type { RetrievalDataset } from '../dataset/types';
import { EVALUATION_DEPTH } from '../metrics/ranking-metrics';
import { topKIndices } from '../text/sparse';
import { searchOptionsFor, type IndexMethodName, type MethodParameters } from './methods';

export type Rankings = Map<string, string[]>;

export async function rankWithIndex(
  index: EnergyIndex,
  dataset: RetrievalDataset,
  queryVectors: Float32Array,
  method: IndexMethodName,
  parameters: MethodParameters,
  depth = EVALUATION_DEPTH,
): Promise<Rankings> {
  const k = Math.min(depth, index.size);
  // Every query carries its text and its vector: each method takes what it needs.
  const dims = queryVectors.length / dataset.queries.length;
  const queries = dataset.queries.map((query, row) => ({ text: query.text, vector: queryVectors.subarray(row * dims, (row + 1) * dims) }));
  const hits = await index.search(queries, searchOptionsFor(method, k, parameters));
  const rankings: Rankings = new Map();
  dataset.queries.forEach((query, row) => rankings.set(query.id, hits[row].map((hit) => dataset.corpus[hit.index].id)));
  return rankings;
}

/**
 * The blend: cosine(q, x) - beta * energyDistance(q, x) for every item (both scores
 * from the index with k = N), top `depth`, ties to the lower item index.
 * Design: docs/energy-index.md, "Evaluation".
 */
export async function rankWithBlend(
  index: EnergyIndex,
  dataset: RetrievalDataset,
  queryVectors: Float32Array,
  parameters: MethodParameters,
  depth = EVALUATION_DEPTH,
): Promise<Rankings> {
  const all = index.size;
  const cosine = await index.searchBatch(queryVectors, searchOptionsFor('cosine', all, parameters));
  const energy = await index.searchBatch(queryVectors, searchOptionsFor('energy', all, parameters));
  const rankings: Rankings = new Map();
  const scores = new Float64Array(all);
  dataset.queries.forEach((query, row) => {
    scores.fill(0);
    for (const hit of cosine[row]) scores[hit.index] += hit.score;
    for (const hit of energy[row]) scores[hit.index] -= parameters.blendBeta * hit.score;
    rankings.set(query.id, topKIndices(scores, Math.min(depth, all)).map((item) => dataset.corpus[item].id));
  });
  return rankings;
}
