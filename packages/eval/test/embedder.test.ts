import { describe, expect, it } from 'vitest';
import { symmetricEigen, orthonormalizeColumns } from '../src/embedder/linear-algebra';
import { decodeLexicalEmbedder, EmbedderStateError, encodeLexicalEmbedder, LexicalEmbedder, PrecomputedEmbedder } from '../src/index';
import { SeededRandom } from '@opticspace/gpu';

const corpus = [
  'supersonic wing flutter in a wind tunnel',
  'flutter of a swept wing at transonic speed',
  'heat transfer through a laminar boundary layer',
  'turbulent boundary layer heat transfer on a flat plate',
  'buckling of thin cylindrical shells under pressure',
  'cylindrical shell buckling with internal pressure',
  'sql injection in a login form',
  'path traversal lets attackers read arbitrary files',
];

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

  it('SVD embeddings reproduce the truncated SVD: X V_k V_k^T preserves documents in the span', () => {
    // With dims >= rank, U S from the embedding must preserve inner products of the weighted rows:
    // cosine between documents equals the cosine of their TF-IDF rows.
    const embedder = new LexicalEmbedder({ dims: 8, seed: 1, reduction: 'svd' });
    embedder.fit(corpus);
    const full = embedder.embedDocuments(corpus);
    const sparse = new LexicalEmbedder({ dims: 64, seed: 1, reduction: 'random-projection' });
    sparse.fit(corpus);
    // doc 0 and doc 1 share "wing" and "flutter": positive similarity; doc 0 and doc 4 share nothing: ~0.
    expect(cosine(full.subarray(0, 8), full.subarray(8, 16))).toBeGreaterThan(0.2);
    expect(Math.abs(cosine(full.subarray(0, 8), full.subarray(32, 40)))).toBeLessThan(1e-4);
  });

  it('queries use the fitted vocabulary and idf, and a saved embedder reproduces them exactly', () => {
    const embedder = new LexicalEmbedder({ dims: 5, seed: 3 });
    embedder.fit(corpus);
    const bytes = encodeLexicalEmbedder(embedder);
    const loaded = decodeLexicalEmbedder(bytes);
    expect(loaded.name).toBe(embedder.name);
    expect(Array.from(loaded.embedQuery('wing flutter'))).toEqual(Array.from(embedder.embedQuery('wing flutter')));
    expect(Array.from(loaded.embedDocuments(corpus))).toEqual(Array.from(embedder.embedDocuments(corpus)));
    expect(() => decodeLexicalEmbedder(bytes.subarray(0, bytes.length - 4))).toThrow(/expected \d+ bytes of projection, found \d+/);
    expect(() => decodeLexicalEmbedder(new Uint8Array(20))).toThrow(/not an opticspace embedder file/);
  });

  it('fails clearly when used unfitted or with bad options', () => {
    expect(() => new LexicalEmbedder().embedQuery('x')).toThrow(EmbedderStateError);
    expect(() => new LexicalEmbedder({ dims: 0 })).toThrow(/dims must be a positive integer/);
    expect(() => new LexicalEmbedder({ reduction: 'pca' as never })).toThrow(/reduction must be/);
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
