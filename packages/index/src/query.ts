/**
 * The query forms search() accepts, checked and turned into one QueryBatch: a vector (flat
 * array of length F), a { text, vector } object, or an array of either (a batch).
 */
import { DimensionMismatchError, EmptyCorpusError, InvalidParameterError, MissingQueryInputError, NoDocumentsError } from './errors';
import { toMatrix } from './matrix';
import { SEARCH_METHODS, type SearchMethod } from './methods';
import type { SearchParameters } from './params';
import type { QueryBatch } from './search-steps';

/** A query with its text (lexical methods), its vector (dense methods), or both. */
export interface SearchQuery {
  text?: string;
  vector?: ArrayLike<number>;
}

export type QueryInput = ArrayLike<number> | SearchQuery | ReadonlyArray<ArrayLike<number> | SearchQuery>;

/** A checked batch and what its queries lack (the first query without text / a vector, or -1). */
export interface ParsedQueries {
  batch: QueryBatch;
  /** The input was one query (a vector or a SearchQuery), not an array of them. */
  single: boolean;
  firstWithout: { text: number; vector: number };
}

function isVector(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) || Array.isArray(value);
}

export function parseQueries(input: QueryInput, dimension: number): ParsedQueries {
  const single = !isVector(input) || (input.length > 0 && typeof input[0] === 'number');
  const entries = (single ? [input] : input) as ReadonlyArray<ArrayLike<number> | SearchQuery>;
  if (entries.length === 0) throw new EmptyCorpusError('Query is empty.');
  const texts: Array<string | undefined> = [];
  const vectors: Array<ArrayLike<number> | undefined> = [];
  entries.forEach((entry, b) => {
    if (isVector(entry)) {
      vectors.push(entry);
      texts.push(undefined);
      return;
    }
    if (typeof entry !== 'object' || entry === null) throw new InvalidParameterError(`query ${b}`, 'a vector or { text?, vector? }', entry);
    if (entry.text !== undefined && typeof entry.text !== 'string') throw new InvalidParameterError(`query ${b} text`, 'a string', entry.text);
    if (entry.vector !== undefined && !isVector(entry.vector)) throw new InvalidParameterError(`query ${b} vector`, 'an array of numbers', typeof entry.vector);
    texts.push(entry.text);
    vectors.push(entry.vector);
  });
  vectors.forEach((vector, b) => {
    if (vector && vector.length !== dimension) throw new DimensionMismatchError(entries.length > 1 ? `Query ${b}` : 'Query', dimension, vector.length);
  });
  const firstWithout = { text: texts.indexOf(undefined), vector: vectors.indexOf(undefined) };
  return {
    single,
    firstWithout,
    batch: {
      count: entries.length,
      texts: firstWithout.text < 0 ? (texts as string[]) : null,
      vectors: firstWithout.vector < 0 ? toMatrix(vectors as ArrayLike<number>[], dimension, 'Query') : null,
    },
  };
}

/** Throws the typed error for the first thing the method needs that the queries or the index lack. */
export function checkNeeds(method: SearchMethod, parsed: ParsedQueries, hasDocuments: boolean): void {
  const { needs } = SEARCH_METHODS[method];
  if (needs.text && !hasDocuments) throw new NoDocumentsError(method);
  if (needs.text && parsed.firstWithout.text >= 0) throw new MissingQueryInputError(method, 'text', parsed.firstWithout.text);
  if (needs.vector && parsed.firstWithout.vector >= 0) throw new MissingQueryInputError(method, 'vector', parsed.firstWithout.vector);
}

/**
 * The method when none is named: the default (a fusion) when the queries and the index have
 * what it needs; otherwise its own lexical side for text-only queries, its dense side for the
 * rest (e.g. vectors on an index built without documents).
 */
export function defaultMethodFor(parsed: ParsedQueries, hasDocuments: boolean, p: SearchParameters): SearchMethod {
  const serves = (method: SearchMethod) => {
    const { needs } = SEARCH_METHODS[method];
    return (!needs.text || (hasDocuments && parsed.batch.texts !== null)) && (!needs.vector || parsed.batch.vectors !== null);
  };
  return [p.method, p.fusion.lexical, p.fusion.dense].find(serves) ?? p.fusion.dense;
}
