/**
 * Seeded dev/test split of a dataset's queries, so that weights tuned on the dev queries are
 * reported on queries the tuning never saw.
 */
import { InvalidInputError, SeededRandom } from '@opticspace/gpu';
import type { RetrievalDataset } from '../dataset/types';

export interface QuerySplit {
  dev: RetrievalDataset;
  test: RetrievalDataset;
}

export function splitQueries(dataset: RetrievalDataset, seed: number, devFraction = 0.5): QuerySplit {
  if (!(devFraction > 0 && devFraction < 1)) throw new InvalidInputError(`devFraction must be in (0, 1), got ${devFraction}`);
  if (dataset.queries.length < 2) throw new InvalidInputError(`a dev/test split needs at least 2 queries, got ${dataset.queries.length}`);
  const order = dataset.queries.map((_, index) => index);
  const random = new SeededRandom(seed);
  for (let index = order.length - 1; index > 0; index--) {
    const other = random.int(index + 1);
    [order[index], order[other]] = [order[other], order[index]];
  }
  const devCount = Math.min(order.length - 1, Math.max(1, Math.round(order.length * devFraction)));
  const devRows = new Set(order.slice(0, devCount));
  const pick = (inDev: boolean): RetrievalDataset => ({
    ...dataset,
    name: `${dataset.name}/${inDev ? 'dev' : 'test'}`,
    queries: dataset.queries.filter((_, index) => devRows.has(index) === inDev),
  });
  return { dev: pick(true), test: pick(false) };
}

/** Rows [queries, dims] of the given query subset, in the subset's order. */
export function selectQueryVectors(all: RetrievalDataset, subset: RetrievalDataset, vectors: Float32Array, dims: number): Float32Array {
  const rowOf = new Map(all.queries.map((query, row) => [query.id, row]));
  const out = new Float32Array(subset.queries.length * dims);
  subset.queries.forEach((query, row) => {
    const source = rowOf.get(query.id)!;
    out.set(vectors.subarray(source * dims, (source + 1) * dims), row * dims);
  });
  return out;
}
