import { describe, expect, it } from 'vitest';
import { Bm25Index, porterStem, tokenize } from '../src';

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
