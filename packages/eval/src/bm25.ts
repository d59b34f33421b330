/**
 * Okapi BM25 over the project's tokenizer, exact (every document scored through an inverted
 * index). IDF as in Lucene: ln(1 + (N - df + 0.5) / (df + 0.5)), never negative.
 */
import { InvalidInputError } from '@opticspace/gpu';
import { countTerms, documentFrequencies, topKIndices, Vocabulary, type SparseRow } from './text/sparse';
import { tokenize } from './text/tokenizer';

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  readonly documentCount: number;
  private readonly vocabulary = new Vocabulary();
  private readonly idf: Float64Array;
  /** postings[term] = [documentIndex, termFrequency] pairs */
  private readonly postingDocuments: Uint32Array[];
  private readonly postingFrequencies: Float64Array[];
  private readonly lengthNorm: Float64Array;

  constructor(texts: readonly string[], options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    if (!(this.k1 >= 0) || !(this.b >= 0 && this.b <= 1)) {
      throw new InvalidInputError(`BM25 needs k1 >= 0 and 0 <= b <= 1, got k1=${this.k1}, b=${this.b}`);
    }
    if (texts.length === 0) throw new InvalidInputError('BM25 needs at least one document, got 0');
    const rows: SparseRow[] = texts.map((text) => countTerms(tokenize(text), this.vocabulary, true));
    this.documentCount = rows.length;
    const lengths = rows.map((row) => row.values.reduce((sum, value) => sum + value, 0));
    const averageLength = lengths.reduce((sum, value) => sum + value, 0) / rows.length || 1;
    this.lengthNorm = Float64Array.from(lengths, (length) => this.k1 * (1 - this.b + (this.b * length) / averageLength));
    const frequencies = documentFrequencies(rows, this.vocabulary.size);
    this.idf = Float64Array.from(frequencies, (df) => Math.log(1 + (rows.length - df + 0.5) / (df + 0.5)));
    const postingCounts = frequencies;
    this.postingDocuments = Array.from(postingCounts, (count) => new Uint32Array(count));
    this.postingFrequencies = Array.from(postingCounts, (count) => new Float64Array(count));
    const fill = new Uint32Array(this.vocabulary.size);
    rows.forEach((row, documentIndex) => {
      for (let index = 0; index < row.terms.length; index++) {
        const term = row.terms[index];
        this.postingDocuments[term][fill[term]] = documentIndex;
        this.postingFrequencies[term][fill[term]++] = row.values[index];
      }
    });
  }

  /** BM25 score of every document for the query text (each query token occurrence counts). */
  scores(queryText: string): Float64Array {
    const scores = new Float64Array(this.documentCount);
    for (const token of tokenize(queryText)) {
      const term = this.vocabulary.get(token);
      if (term === undefined) continue;
      const idf = this.idf[term];
      const documents = this.postingDocuments[term];
      const frequencies = this.postingFrequencies[term];
      for (let index = 0; index < documents.length; index++) {
        const frequency = frequencies[index];
        const document = documents[index];
        scores[document] += (idf * frequency * (this.k1 + 1)) / (frequency + this.lengthNorm[document]);
      }
    }
    return scores;
  }

  /** Top-k document indices by score, ties by lower index. */
  search(queryText: string, k = 10): Array<{ index: number; score: number }> {
    const scores = this.scores(queryText);
    return topKIndices(scores, k).map((index) => ({ index, score: scores[index] }));
  }
}
