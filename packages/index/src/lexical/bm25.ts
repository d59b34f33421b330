/**
 * Okapi BM25 over the project's tokenizer, as a sparse [documents, terms] matrix of BM25 term
 * weights: the score of every document for a query is one sparse-dense product S q, where q
 * holds the query's term counts (each token occurrence counts). The index scores it on the GPU
 * with csrMatmul; `lexicalKeysReference` below is the TS reference and the CPU backend's path.
 * IDF as in Lucene: ln(1 + (N - df + 0.5) / (df + 0.5)), never negative.
 */
import { csrMatmulReference } from '@opticspace/gpu';
import { EmptyCorpusError } from '../errors';
import { topKOfKeys } from '../search';
import { range, stripUndefined } from '@opticspace/gpu';
import { tokenize } from './tokenizer';
import { countTerms, Vocabulary, type SparseRow } from './vocabulary';

export interface Bm25Parameters {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Parameters = { k1: 1.2, b: 0.75 };

/** A sparse matrix in compressed-sparse-row form, in host memory. */
export interface SparseMatrix {
  rows: number;
  columns: number;
  /** [rows + 1] */
  rowPtr: Uint32Array;
  /** [nonzeros], ascending within a row */
  columnIndex: Uint32Array;
  /** [nonzeros] */
  values: Float32Array;
}

/** The term counts of a corpus: what an index saves (the BM25 weights are derived from it). */
export interface TermCounts {
  /** The vocabulary in term-id order (stems, as the tokenizer makes them). */
  terms: readonly string[];
  /** [documents, terms] counts; values are whole numbers. */
  counts: SparseMatrix;
}

/** Tokenizes and counts a corpus; term ids in order of first appearance. */
export function countCorpus(texts: readonly string[]): TermCounts {
  const vocabulary = new Vocabulary();
  const rows = texts.map((text) => countTerms(tokenize(text), vocabulary, true));
  const rowPtr = new Uint32Array(rows.length + 1);
  rows.forEach((row, r) => (rowPtr[r + 1] = rowPtr[r] + row.terms.length));
  const columnIndex = new Uint32Array(rowPtr[rows.length]);
  const values = new Float32Array(rowPtr[rows.length]);
  rows.forEach((row, r) => {
    columnIndex.set(row.terms, rowPtr[r]);
    values.set(row.values, rowPtr[r]);
  });
  return { terms: vocabulary.terms, counts: { rows: rows.length, columns: vocabulary.size, rowPtr, columnIndex, values } };
}

export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  readonly vocabulary: Vocabulary;
  /** [documents, terms] term counts (the saved form). */
  readonly counts: SparseMatrix;
  readonly documentFrequency: Uint32Array;
  readonly idf: Float64Array;
  /** Tokens per document (every token of a document is in the vocabulary). */
  readonly documentLength: Float64Array;
  /** [documents, terms] BM25 term weights in f32, as the GPU holds them. */
  readonly matrix: SparseMatrix;

  /** From document texts, or from saved term counts. */
  constructor(source: readonly string[] | TermCounts, options: Partial<Bm25Parameters> = {}) {
    const p = { ...DEFAULT_BM25, ...stripUndefined(options) };
    range('bm25.k1', p.k1, 0, Infinity, true);
    range('bm25.b', p.b, 0, 1, true);
    this.k1 = p.k1;
    this.b = p.b;
    const counted = Array.isArray(source) ? countCorpus(source as readonly string[]) : (source as TermCounts);
    const counts = counted.counts;
    if (counts.rows === 0) throw new EmptyCorpusError('BM25 needs at least one document, got 0.');
    this.vocabulary = Vocabulary.fromTerms(counted.terms);
    this.counts = counts;
    this.documentFrequency = new Uint32Array(counts.columns);
    for (const term of counts.columnIndex) this.documentFrequency[term]++;
    const n = counts.rows;
    this.idf = Float64Array.from(this.documentFrequency, (df) => Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    this.documentLength = new Float64Array(n);
    for (let r = 0; r < n; r++) for (let j = counts.rowPtr[r]; j < counts.rowPtr[r + 1]; j++) this.documentLength[r] += counts.values[j];
    const averageLength = this.documentLength.reduce((sum, length) => sum + length, 0) / n || 1;
    const weights = new Float32Array(counts.values.length);
    for (let r = 0; r < n; r++) {
      const norm = this.k1 * (1 - this.b + (this.b * this.documentLength[r]) / averageLength);
      for (let j = counts.rowPtr[r]; j < counts.rowPtr[r + 1]; j++) {
        const tf = counts.values[j];
        weights[j] = (this.idf[counts.columnIndex[j]] * tf * (this.k1 + 1)) / (tf + norm);
      }
    }
    this.matrix = { ...counts, values: weights };
  }

  get documentCount(): number {
    return this.counts.rows;
  }

  get termCount(): number {
    return this.counts.columns;
  }

  /** The saved form: vocabulary and counts. */
  termCounts(): TermCounts {
    return { terms: this.vocabulary.terms, counts: this.counts };
  }

  /** Counts of the query's known terms (unknown tokens are dropped). */
  queryTerms(text: string): SparseRow {
    return countTerms(tokenize(text), this.vocabulary, false);
  }

  /** BM25 score of every document for the query text (the reference path). */
  scores(queryText: string): Float32Array {
    return lexicalKeysReference(this.matrix, termColumns([this.queryTerms(queryText)], this.termCount), 1);
  }

  /** Top-k document indices by score, ties by lower index. */
  search(queryText: string, k = 10): Array<{ index: number; score: number }> {
    const top = topKOfKeys(this.scores(queryText), 1, Math.min(k, this.documentCount));
    return Array.from(top.indices, (index, j) => ({ index, score: top.keys[j] }));
  }
}

/** Query term weights as the dense [terms, B] right operand of the scoring product (column b = query b). */
export function termColumns(queries: readonly SparseRow[], terms: number): Float32Array {
  const b = queries.length;
  const out = new Float32Array(terms * b);
  queries.forEach((row, column) => row.terms.forEach((term, j) => (out[term * b + column] = row.values[j])));
  return out;
}

/**
 * TS reference of the GPU lexical scoring: keys [B, documents] = (S @ Q)^T for S [documents,
 * terms] and the query term columns Q [terms, B].
 */
export function lexicalKeysReference(matrix: SparseMatrix, queryColumns: Float32Array, queries: number): Float32Array {
  const products = csrMatmulReference(matrix.rows, matrix.columns, matrix.rowPtr, matrix.columnIndex, matrix.values, queryColumns, queries);
  return transposeReference(products, matrix.rows, queries);
}

/** [rows, columns] -> [columns, rows] (reference of shaders/index/transpose.wgsl). */
export function transposeReference(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c];
  return out;
}
