/**
 * The search methods, one entry each: what a UI shows (label, help), how scores read (order),
 * what a query must carry (needs), how the GPU scoring kernel serves it (scoreMode,
 * laplacianProducts), where it may stand in a fusion (fusionRole), and how it runs (run, in
 * terms of the steps of search-steps.ts). Parameter validation, the scoring kernel's mode ids,
 * the CLI and the evaluation all derive from this table: a new method is one entry here (plus
 * its kernel or reference when it needs a new one).
 */
import type { SearchParameters } from './params';
import type { QueryBatch, SearchSteps } from './search-steps';
import type { TopK } from './search';
import type { FusionKind } from './fusion';

export interface SearchMethodSpec {
  /** A short name for UIs and tables. */
  label: string;
  /** One or two sentences for a UI's help text. */
  help: string;
  /** 'similarity': a hit's score is higher-is-better; 'distance': lower-is-better. */
  order: 'similarity' | 'distance';
  /** What every query must carry: its text (lexical methods) and/or its vector (dense methods). */
  needs: { text: boolean; vector: boolean };
  /** Rank-key mode id of shaders/index/score.wgsl, or null when the method is not one scoring pass. */
  scoreMode: number | null;
  /** The scoring pass also needs the (L q) . x products (the energy identity). */
  laplacianProducts: boolean;
  /** The side of a fusion it may stand on (parameters fusion.lexical / fusion.dense), if any. */
  fusionRole: 'lexical' | 'dense' | null;
  /** A fusion method's way of combining the lists (fusion.ts), else null. */
  fusionKind: FusionKind | null;
  /** The top-k of every query as rank keys, larger is better. */
  run(steps: SearchSteps, queries: QueryBatch, p: SearchParameters): Promise<TopK>;
}

/** A fusion of the fusion.lexical and fusion.dense methods' lists (search-steps.ts fuse). */
function fusion(kind: FusionKind, label: string, help: string) {
  return {
    label,
    help,
    order: 'similarity',
    needs: { text: true, vector: true },
    scoreMode: null,
    laplacianProducts: false,
    fusionRole: null,
    fusionKind: kind,
    run: (s: SearchSteps, q: QueryBatch, p: SearchParameters): Promise<TopK> => s.fuse(q, p, kind),
  } as const;
}

export const SEARCH_METHODS = {
  cosine: {
    label: 'Cosine',
    help: 'Cosine similarity of the query vector and each item vector; higher is better.',
    order: 'similarity',
    needs: { text: false, vector: true },
    scoreMode: 0,
    laplacianProducts: false,
    fusionRole: 'dense',
    fusionKind: null,
    run: (s: SearchSteps, q: QueryBatch, p: SearchParameters): Promise<TopK> => s.dense('cosine', q, p, p.k),
  },
  lambdaAware: {
    label: 'Lambda-aware',
    help: 'alpha x cosine + (1 - alpha) x taumode lambda proximity; higher is better.',
    order: 'similarity',
    needs: { text: false, vector: true },
    scoreMode: 1,
    laplacianProducts: false,
    fusionRole: 'dense',
    fusionKind: null,
    run: (s: SearchSteps, q: QueryBatch, p: SearchParameters): Promise<TopK> => s.dense('lambdaAware', q, p, p.k),
  },
  energy: {
    label: 'Energy',
    help:
      'Distance between spectral signatures (taumode lambda, dispersion G and the Dirichlet energy of the difference over ' +
      'the energy graph); lower is closer. A weak relevance signal on its own.',
    order: 'distance',
    needs: { text: false, vector: true },
    scoreMode: 2,
    laplacianProducts: true,
    fusionRole: null,
    fusionKind: null,
    run: (s: SearchSteps, q: QueryBatch, p: SearchParameters): Promise<TopK> => s.dense('energy', q, p, p.k),
  },
  hybrid: {
    label: 'Hybrid',
    help: 'Cosine picks the top M candidates, the energy distance re-ranks them; lower is closer.',
    order: 'distance',
    needs: { text: false, vector: true },
    scoreMode: null,
    laplacianProducts: false,
    fusionRole: null,
    fusionKind: null,
    run: (s: SearchSteps, q: QueryBatch, p: SearchParameters): Promise<TopK> => s.hybrid(q, p),
  },
  bm25: {
    label: 'BM25',
    help: 'Okapi BM25 over the documents\' terms (Porter stems, stop words removed); needs the query text. Higher is better.',
    order: 'similarity',
    needs: { text: true, vector: false },
    scoreMode: null,
    laplacianProducts: false,
    fusionRole: 'lexical',
    fusionKind: null,
    run: (s: SearchSteps, q: QueryBatch, p: SearchParameters): Promise<TopK> => s.lexicalTop(s.queryTerms(q), p.k),
  },
  bm25Rm3: {
    label: 'BM25 + RM3',
    help: 'BM25 with RM3 query expansion: terms of the top documents of a first BM25 pass are added to the query (parameters rm3). Higher is better.',
    order: 'similarity',
    needs: { text: true, vector: false },
    scoreMode: null,
    laplacianProducts: false,
    fusionRole: 'lexical',
    fusionKind: null,
    run: (s: SearchSteps, q: QueryBatch, p: SearchParameters): Promise<TopK> => s.lexicalFeedback(q, p, p.k),
  },
  cosineRocchio: {
    label: 'Cosine + Rocchio',
    help: 'Cosine with Rocchio feedback: the query vector moves toward the top items of a first cosine pass (parameters rocchio). Higher is better.',
    order: 'similarity',
    needs: { text: false, vector: true },
    scoreMode: null,
    laplacianProducts: false,
    fusionRole: 'dense',
    fusionKind: null,
    run: (s: SearchSteps, q: QueryBatch, p: SearchParameters): Promise<TopK> => s.denseFeedback('cosine', q, p, p.k),
  },
  rrf: fusion(
    'rrf',
    'RRF fusion',
    'Reciprocal rank fusion of a lexical and a dense method (parameters fusion: lexical, dense, depth, rrfK, weights; ' +
      'weights.energy > 0 adds the energy distance as a third list). Needs the query text and vector. Higher is better.',
  ),
  linear: fusion(
    'minmax',
    'Linear fusion (min-max)',
    'Weighted sum of the min-max normalised scores of a lexical and a dense method over their top lists (parameters fusion). ' +
      'Needs the query text and vector. Higher is better.',
  ),
  linearZ: fusion(
    'zscore',
    'Linear fusion (z-score)',
    'Weighted sum of the z-score normalised scores of a lexical and a dense method over their top lists (parameters fusion). ' +
      'Needs the query text and vector. Higher is better.',
  ),
} as const satisfies Record<string, SearchMethodSpec>;

export type SearchMethod = keyof typeof SEARCH_METHODS;

/**
 * The method a search uses when none is named (queries that lack its text or vector fall back
 * to its lexical or dense side: query.ts defaultMethodFor). Chosen by cross-validation over the
 * queries of both development collections: docs/results/default-method.md.
 */
export const DEFAULT_METHOD: SearchMethod = 'linear';
export const SEARCH_METHOD_NAMES = Object.keys(SEARCH_METHODS) as SearchMethod[];

/** The methods that are one pass of the scoring kernel, and their mode ids. */
export type ScoreMode = { [M in SearchMethod]: (typeof SEARCH_METHODS)[M]['scoreMode'] extends number ? M : never }[SearchMethod];
export const SCORE_MODE = Object.fromEntries(
  SEARCH_METHOD_NAMES.filter((name) => SEARCH_METHODS[name].scoreMode !== null).map((name) => [name, SEARCH_METHODS[name].scoreMode]),
) as Record<ScoreMode, number>;

export function methodSpec(method: SearchMethod): SearchMethodSpec {
  return SEARCH_METHODS[method];
}

/** Methods that may stand on one side of a fusion. */
export function fusionCandidates(role: 'lexical' | 'dense'): SearchMethod[] {
  return SEARCH_METHOD_NAMES.filter((name) => methodSpec(name).fusionRole === role);
}
