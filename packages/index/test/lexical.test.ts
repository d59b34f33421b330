import { describe, expect, it } from 'vitest';
import { CommandBatch, SeededRandom, Tensor } from '@opticspace/gpu';
import {
  Bm25Index,
  crc32,
  decodeIndex,
  encodeIndex,
  EnergyIndex,
  FORMAT_VERSION,
  IndexFormatError,
  InvalidParameterError,
  MissingQueryInputError,
  NoDocumentsError,
  porterStem,
  tokenize,
  transposeReference,
} from '../src';
import { transposeProgram } from '../src/gpu/transpose';
import { clusteredVectors, topicTexts } from './fixtures';
import { useGpu } from '@opticspace/gpu/testing';

describe('Porter stemmer', () => {
  it('matches the published examples', () => {
    const cases: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', ties: 'ti', caress: 'caress', cats: 'cat', feed: 'feed', agreed: 'agre',
      plastered: 'plaster', motoring: 'motor', sing: 'sing', conflated: 'conflat', troubled: 'troubl', sized: 'size',
      hopping: 'hop', falling: 'fall', filing: 'file', failing: 'fail', happy: 'happi', relational: 'relat',
      conditional: 'condit', rational: 'ration', generalization: 'gener', hopefulness: 'hope', triplicate: 'triplic',
      electrical: 'electr', revival: 'reviv', adjustment: 'adjust', effective: 'effect', probate: 'probat',
      controlling: 'control', roll: 'roll', injection: 'inject', traversal: 'travers', vulnerabilities: 'vulner',
    };
    for (const [word, stem] of Object.entries(cases)) expect(porterStem(word), word).toBe(stem);
  });
});

describe('tokenize', () => {
  it('lower-cases, drops stop words and one-letter tokens, stems, keeps numbers', () => {
    expect(tokenize('The SQL Injections in a login endpoint (CVE-2021-1234)!')).toEqual(['sql', 'inject', 'login', 'endpoint', 'cve', '2021', '1234']);
    expect(tokenize('')).toEqual([]);
    expect(tokenize('Running', { stem: false })).toEqual(['running']);
  });
});

describe('BM25', () => {
  const texts = ['wing flutter at supersonic speed', 'heat transfer in a boundary layer', 'boundary layer flutter flutter', 'unrelated'];

  // Scores are f32 (the GPU's precision): 5 decimals.
  it('matches hand-computed Okapi scores (k1=1.2, b=0.75, Lucene IDF)', () => {
    const index = new Bm25Index(texts);
    const lengths = texts.map((text) => tokenize(text).length); // [4, 4, 4, 1]
    const average = lengths.reduce((a, b) => a + b) / lengths.length;
    const idf = (df: number): number => Math.log(1 + (4 - df + 0.5) / (df + 0.5));
    const term = (tf: number, length: number, df: number): number => (idf(df) * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * length) / average));
    const scores = index.scores('flutter boundary');
    expect(scores[0]).toBeCloseTo(term(1, lengths[0], 2), 5);
    expect(scores[1]).toBeCloseTo(term(1, lengths[1], 2), 5);
    expect(scores[2]).toBeCloseTo(term(2, lengths[2], 2) + term(1, lengths[2], 2), 5);
    expect(scores[3]).toBe(0);
    expect(index.search('flutter boundary', 2).map((hit) => hit.index)).toEqual([2, 0]);
    expect(index.scores('nothing known').every((score) => score === 0)).toBe(true);
  });

  it('rejects bad parameters and empty corpora with typed errors', () => {
    expect(() => new Bm25Index([])).toThrow(/at least one document/);
    expect(() => new Bm25Index(texts, { b: 2 })).toThrow(/bm25.b/);
  });
});

const N = 60;
const F = 16;
const texts = topicTexts(5, N);
const vectors = clusteredVectors(6, N, F, 4);
const queryTexts = ['flutter of a supersonic wing panel', 'laminar boundary layer heat', 'sql injection login', 'buckling buckling thin shell', 'nothing known here'];

describe('transpose kernel vs reference', () => {
  const gpu = useGpu('index transpose');
  for (const [rows, columns] of [[1, 7], [7, 1], [33, 5], [300, 17]]) {
    it(`[${rows}, ${columns}]`, async () => {
      const values = new SeededRandom(rows * columns).normalArray(rows * columns);
      const input = Tensor.from(gpu(), values, [rows, columns]);
      const output = Tensor.empty(gpu(), [columns, rows]);
      await new CommandBatch(gpu()).dispatch(transposeProgram(input, output, rows, columns)).submit();
      expect(Array.from(await output.read())).toEqual(Array.from(transposeReference(values, rows, columns)));
      input.dispose();
      output.dispose();
    });
  }
  it('rejects mismatched shapes', () => {
    const input = Tensor.empty(gpu(), [4, 3]);
    expect(() => transposeProgram(input, Tensor.empty(gpu(), [5]), 4, 3)).toThrow(/transpose/);
  });
});

for (const backend of ['cpu', 'webgpu'] as const) {
  describe(`BM25 as an index method (${backend})`, () => {
    const gpu = useGpu(`index bm25 ${backend}`);
    let index: EnergyIndex;
    const reference = new Bm25Index(texts);

    it('builds with documents', async () => {
      index = await EnergyIndex.build(vectors, { dimension: F, backend, gpu: gpu(), documents: texts });
      expect(index.lexical).toEqual({ terms: reference.termCount, nonzeros: reference.counts.values.length, k1: 1.2, b: 0.75 });
      expect(index.report.timings.lexical).toBeGreaterThanOrEqual(0);
    });

    for (const k of [5, 40]) {
      it(`top-${k} equals the reference scores (one query and a batch)`, async () => {
        const batch = await index.search(queryTexts.map((text) => ({ text })), { k, method: 'bm25' });
        for (const [b, text] of queryTexts.entries()) {
          const scores = reference.scores(text);
          const sorted = Array.from(scores).sort((x, y) => y - x);
          const single = await index.search({ text }, { k, method: 'bm25' });
          for (const hits of [single, batch[b]]) {
            expect(hits).toHaveLength(k);
            hits.forEach((hit, j) => {
              expect(Math.abs(hit.score - scores[hit.index])).toBeLessThan(1e-5);
              expect(Math.abs(hit.score - sorted[j])).toBeLessThan(1e-5);
            });
          }
          expect(batch[b].map((hit) => hit.index)).toEqual(single.map((hit) => hit.index));
        }
        // No known term: every score is 0, ties to the lower index.
        expect(batch[4].map((hit) => hit.index)).toEqual(Array.from({ length: k }, (_, i) => i));
      });
    }

    it('a corpus of stop words only: every BM25 score is 0, ties to the lower index', async () => {
      const empty = await EnergyIndex.build(vectors, { dimension: F, backend, gpu: gpu(), documents: texts.map(() => 'the of a') });
      expect(empty.lexical!.terms).toBe(0);
      expect(await empty.search({ text: 'wing' }, { k: 3, method: 'bm25' })).toEqual([0, 1, 2].map((index) => ({ index, score: 0 })));
      const loaded = await EnergyIndex.fromBytes(empty.toBytes(), { backend, gpu: gpu() });
      expect(loaded.lexical).toEqual(empty.lexical);
      loaded.dispose();
      empty.dispose();
    });

    it('documents on the query topic rank first', async () => {
      const hits = await index.search({ text: 'sql injection login' }, { k: 10, method: 'bm25' });
      expect(hits.every((hit) => hit.index % 4 === 3)).toBe(true);
    });

    it('saves and loads the lexical data: identical bytes and hits', async () => {
      const bytes = index.toBytes();
      const loaded = await EnergyIndex.fromBytes(bytes, { backend, gpu: gpu() });
      expect(loaded.toBytes()).toEqual(bytes);
      for (const text of queryTexts) expect(await loaded.search({ text }, { k: 8, method: 'bm25' })).toEqual(await index.search({ text }, { k: 8, method: 'bm25' }));
      loaded.dispose();
    });
  });
}

describe('lexical errors and file format', () => {
  let index: EnergyIndex;
  let plain: EnergyIndex;

  it('builds', async () => {
    index = await EnergyIndex.build(vectors, { dimension: F, backend: 'cpu', documents: texts, bm25: { k1: 0.9, b: 0.4 } });
    plain = await EnergyIndex.build(vectors, { dimension: F, backend: 'cpu' });
    expect(index.lexical).toMatchObject({ k1: 0.9, b: 0.4 });
    expect(plain.lexical).toBeNull();
  });

  it('a method gets what it needs or a typed error', async () => {
    const vector = vectors.slice(0, F);
    await expect(plain.search({ text: 'wing' }, { method: 'bm25' })).rejects.toThrow(NoDocumentsError);
    await expect(index.search(vector, { method: 'bm25' })).rejects.toThrow(MissingQueryInputError);
    await expect(index.search([{ text: 'wing' }, { vector }], { method: 'bm25' })).rejects.toThrow(/query 1 has no text/);
    await expect(index.search({ text: 'wing' }, { method: 'cosine' })).rejects.toThrow(/needs the query vector, but query 0 has no vector/);
    await expect(index.search({ text: 7 as unknown as string }, { method: 'bm25' })).rejects.toThrow(InvalidParameterError);
    // Text and vector together serve both kinds.
    expect(await index.search({ text: 'wing', vector }, { method: 'cosine', k: 3 })).toEqual(await index.search(vector, { method: 'cosine', k: 3 }));
    await expect(EnergyIndex.build(vectors, { dimension: F, backend: 'cpu', documents: texts.slice(1) })).rejects.toThrow(/documents/);
    await expect(EnergyIndex.build(vectors, { dimension: F, backend: 'cpu', documents: texts, bm25: { b: 2 } })).rejects.toThrow(/bm25.b/);
  });

  it('rejects corrupted lexical sections and other tokenizers', async () => {
    const { header, sections } = decodeIndex(index.toBytes());
    const reencode = (change: (h: Record<string, unknown>, s: Map<string, Float32Array | Uint32Array>) => void) => {
      const h = structuredClone(header);
      const s = new Map([...sections].map(([name, data]) => [name, data.slice()]));
      change(h, s);
      return encodeIndex(h, [...s].map(([name, data]) => ({ name, data })));
    };
    const badTerm = reencode((_, s) => (s.get('lexicalTermIds')![0] = 1e6));
    await expect(EnergyIndex.fromBytes(badTerm)).rejects.toThrow(/lexical entry 0/);
    const tokenizer = reencode((h) => ((h.lexical as { tokenizer: string }).tokenizer = 'other'));
    await expect(EnergyIndex.fromBytes(tokenizer)).rejects.toThrow(/tokenizer 'other'/);
    const terms = reencode((h) => ((h.lexical as { terms: number }).terms += 1));
    await expect(EnergyIndex.fromBytes(terms)).rejects.toThrow(IndexFormatError);
    const missing = reencode((_, s) => s.delete('lexicalCounts'));
    await expect(EnergyIndex.fromBytes(missing)).rejects.toThrow(/lexicalCounts/);
  });

  it('reads format version 1 files (no lexical data)', async () => {
    const bytes = plain.toBytes();
    const v1 = bytes.slice();
    new DataView(v1.buffer).setUint32(8, 1, true);
    new DataView(v1.buffer).setUint32(v1.length - 4, crc32(v1.subarray(0, v1.length - 4)), true);
    const loaded = await EnergyIndex.fromBytes(v1, { backend: 'cpu' });
    expect(loaded.lexical).toBeNull();
    expect(FORMAT_VERSION).toBe(2);
  });
});
