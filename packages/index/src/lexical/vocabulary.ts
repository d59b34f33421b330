/**
 * Term vocabulary and sparse term-count rows shared by BM25 (here) and the lexical embedder
 * (@opticspace/eval). Term ids follow first appearance in the corpus, so everything is
 * deterministic.
 */
export interface SparseRow {
  /** term ids, ascending */
  terms: Uint32Array;
  /** counts or weights, aligned with `terms` */
  values: Float64Array;
}

export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];

  static fromTerms(terms: readonly string[]): Vocabulary {
    const vocabulary = new Vocabulary();
    for (const term of terms) vocabulary.add(term);
    return vocabulary;
  }

  get size(): number {
    return this.terms.length;
  }

  add(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
    }
    return id;
  }

  get(term: string): number | undefined {
    return this.ids.get(term);
  }
}

/** Counts the tokens of one text; tokens outside the vocabulary are dropped unless `grow`. */
export function countTerms(tokens: readonly string[], vocabulary: Vocabulary, grow: boolean): SparseRow {
  const counts = new Map<number, number>();
  for (const token of tokens) {
    const id = grow ? vocabulary.add(token) : vocabulary.get(token);
    if (id === undefined) continue;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const terms = Uint32Array.from([...counts.keys()].sort((a, b) => a - b));
  const values = new Float64Array(terms.length);
  for (let index = 0; index < terms.length; index++) values[index] = counts.get(terms[index])!;
  return { terms, values };
}

/** Document frequency of every term over the rows. */
export function documentFrequencies(rows: readonly SparseRow[], vocabularySize: number): Uint32Array {
  const frequencies = new Uint32Array(vocabularySize);
  for (const row of rows) for (const term of row.terms) frequencies[term]++;
  return frequencies;
}
