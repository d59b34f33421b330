/**
 * The steps search methods are made of (methods.ts composes them). Every step that touches
 * every item runs on the index's backend (GPU kernels or their TS references); steps over a
 * query's few candidates (hybrid's re-rank) run here on the host, the same code for both
 * backends.
 */
import type { ResidentItems } from './backend';
import type { FeatureGraph } from './feature-graph';
import { multiply, type Matrix } from './matrix';
import type { SearchParameters } from './params';
import type { Bm25Index } from './lexical/bm25';
import type { SparseRow } from './lexical/vocabulary';
import { rm3Query } from './lexical/rm3';
import { rocchioQuery } from './feedback';
import { candidateKeys, prepareQueries, rerankByEnergy, topKOfKeys, weightsOf, type ItemStore, type PreparedQueries, type TopK } from './search';
import { fuseCandidates, type FusionKind } from './fusion';
import { methodSpec, type ScoreMode } from './methods';
import type { TauMode } from './signature';

/** A batch of queries as search methods see it (methods.ts checks `needs` before running). */
export interface QueryBatch {
  count: number;
  /** Every query's text, or null when not every query has one. */
  texts: string[] | null;
  /** Every query's vector [count, F] (input dimension), or null when not every query has one. */
  vectors: Matrix | null;
}

/** What the steps read from the index. */
export interface SearchContext {
  resident: ResidentItems;
  store: ItemStore;
  graph: FeatureGraph;
  tauMode: TauMode;
  projection: Matrix | null;
  /** The documents' BM25 matrix (null: built without documents; methods.ts checks first). */
  bm25: Bm25Index | null;
}

export class SearchSteps {
  private readonly prepared = new WeakMap<QueryBatch, Promise<PreparedQueries>>();

  constructor(private readonly context: SearchContext) {}

  get size(): number {
    return this.context.store.vectors.rows;
  }

  /** Projected query vectors with L q and their signatures (computed once per batch). */
  prepare(queries: QueryBatch): Promise<PreparedQueries> {
    let prepared = this.prepared.get(queries);
    if (!prepared) {
      const vectors = queries.vectors!;
      const { projection, graph, tauMode } = this.context;
      prepared = prepareQueries(projection ? multiply(vectors, projection) : vectors, graph, tauMode);
      this.prepared.set(queries, prepared);
    }
    return prepared;
  }

  /** One pass of the scoring kernel over every item, then top-k. */
  async dense(mode: ScoreMode, queries: QueryBatch, p: SearchParameters, k: number): Promise<TopK> {
    return this.context.resident.scoreTopK(await this.prepare(queries), mode, weightsOf(p), k);
  }

  /** The query texts' term counts over the index vocabulary (unknown terms dropped). */
  queryTerms(queries: QueryBatch): SparseRow[] {
    return queries.texts!.map((text) => this.context.bm25!.queryTerms(text));
  }

  /** BM25 scores of every item for each row of query term weights, then top-k. */
  lexicalTop(termWeights: readonly SparseRow[], k: number): Promise<TopK> {
    // A corpus without a single term (only stop words): every score is 0, ties to the lower index.
    if (this.context.bm25!.termCount === 0) return Promise.resolve(topKOfKeys(new Float32Array(termWeights.length * this.size), termWeights.length, k));
    return this.context.resident.lexicalTopK(termWeights, k);
  }

  /** BM25 with RM3: a first pass for the feedback documents, the expanded query for the second. */
  async lexicalFeedback(queries: QueryBatch, p: SearchParameters, k: number): Promise<TopK> {
    const terms = this.queryTerms(queries);
    const documents = Math.min(p.rm3.documents, this.size);
    const first = await this.lexicalTop(terms, documents);
    const expanded = terms.map((row, b) => rm3Query(this.context.bm25!, row, listOf(first, b), p.rm3));
    return this.lexicalTop(expanded, k);
  }

  /** A dense mode with Rocchio feedback: a first pass for the feedback items, the moved query for the second. */
  async denseFeedback(mode: ScoreMode, queries: QueryBatch, p: SearchParameters, k: number): Promise<TopK> {
    const { store, graph, tauMode, resident } = this.context;
    const prepared = await this.prepare(queries);
    const first = await resident.scoreTopK(prepared, mode, weightsOf(p), Math.min(p.rocchio.documents, this.size));
    const f = prepared.vectors.columns;
    const moved = new Float32Array(prepared.vectors.data.length);
    for (let b = 0; b < queries.count; b++) {
      const query = prepared.vectors.data.subarray(b * f, (b + 1) * f);
      moved.set(rocchioQuery(store.vectors, store.norm, query, prepared.norm[b], listOf(first, b).indices, p.rocchio), b * f);
    }
    const second = await prepareQueries({ data: moved, rows: queries.count, columns: f }, graph, tauMode);
    return resident.scoreTopK(second, mode, weightsOf(p), k);
  }

  /**
   * A fusion of the fusion.lexical and fusion.dense methods' top-depth lists (and, with
   * fusion.weights.energy > 0, the energy keys of their union's items) by fusion.ts.
   */
  async fuse(queries: QueryBatch, p: SearchParameters, kind: FusionKind): Promise<TopK> {
    const { fusion } = p;
    const depth = Math.min(Math.max(fusion.depth, p.k), this.size);
    const deep = { ...p, k: depth };
    const lexical = await methodSpec(fusion.lexical).run(this, queries, deep);
    const dense = await methodSpec(fusion.dense).run(this, queries, deep);
    const prepared = fusion.weights.energy > 0 ? await this.prepare(queries) : null;
    const result = emptyTopK(queries.count, p.k);
    for (let b = 0; b < queries.count; b++) {
      const energyOf = (items: readonly number[]) => candidateKeys(this.context.store, prepared!, b, items, 'energy', weightsOf(p));
      const fused = fuseCandidates(listOf(lexical, b), listOf(dense, b), energyOf, fusion, kind, p.k);
      result.indices.set(fused.indices, b * p.k);
      result.keys.set(fused.scores, b * p.k);
    }
    return result;
  }

  /** Cosine top-M candidates re-ranked by the energy distance; keys are negated distances. */
  async hybrid(queries: QueryBatch, p: SearchParameters): Promise<TopK> {
    const pool = Math.max(p.k, Math.min(p.candidates, this.size));
    const prepared = await this.prepare(queries);
    const top = await this.dense('cosine', queries, p, pool);
    const result = emptyTopK(queries.count, p.k);
    for (let b = 0; b < queries.count; b++) {
      const hits = rerankByEnergy(this.context.store, prepared, b, top.indices.subarray(b * pool, (b + 1) * pool), p.k, weightsOf(p));
      hits.forEach((hit, j) => {
        result.indices[b * p.k + j] = hit.index;
        result.keys[b * p.k + j] = -hit.score;
      });
    }
    return result;
  }
}

/** Query b's list of a top-k (views). */
export function listOf(top: TopK, b: number): { indices: Uint32Array; scores: Float32Array } {
  return { indices: top.indices.subarray(b * top.k, (b + 1) * top.k), scores: top.keys.subarray(b * top.k, (b + 1) * top.k) };
}

export function emptyTopK(queries: number, k: number): TopK {
  return { queries, k, indices: new Uint32Array(queries * k), keys: new Float32Array(queries * k) };
}
