// The demo's page-independent logic: newest-search-wins scheduling, the shareable address,
// record links, the method list and its score explanations, the sweep heatmap index, and the
// corpus's embedding asset (fitted at build time, decoded in the page's worker).
import { describe, expect, it } from 'vitest';
import { LatestOnly } from '../demo/src/latest-only';
import { readSearchUrl, searchUrl } from '../demo/src/url-state';
import { recordUrl } from '../demo/src/links';
import { DEFAULT_METHOD, DEFAULT_SEARCH, SEARCH_METHODS, SEARCH_METHOD_NAMES } from '@opticspace/index';
import { BASELINE_METHOD, COMPARED_METHOD, describeMethods, explainScore, methodInfo as find } from '../demo/src/methods';
import { heatmapCaption, metricLabel, parseHeatmaps } from '../demo/src/sweep';
import { ContainerFormatError } from '@opticspace/index';
import { decodeCorpusEmbedding, demoEmbedder, EMBEDDING, encodeCorpusEmbedding } from '../demo/src/corpus-embedding';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('LatestOnly', () => {
  it('skips a request that a newer one superseded before it started', async () => {
    const latest = new LatestOnly();
    const ran: string[] = [];
    const task = (name: string) => async () => {
      ran.push(name);
    };
    await Promise.all([latest.run(task('a')), latest.run(task('b')), latest.run(task('c'))]);
    expect(ran).toEqual(['c']);
    expect(latest.skipped).toBe(2);
  });

  it('runs one task at a time and tells a running task when it went stale', async () => {
    const latest = new LatestOnly();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = latest.run(async (isCurrent) => {
      events.push('first started');
      await gate;
      events.push(`first current after await: ${isCurrent()}`);
    });
    await tick();
    const second = latest.run(async (isCurrent) => {
      events.push(`second started, current: ${isCurrent()}`);
    });
    await tick();
    expect(events).toEqual(['first started']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['first started', 'first current after await: false', 'second started, current: true']);
    expect(latest.skipped).toBe(0);
  });

  it('keeps going after a task fails', async () => {
    const latest = new LatestOnly();
    await expect(latest.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    let ran = false;
    await latest.run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });
});

describe('search address', () => {
  it('reads q, method and k', () => {
    expect(readSearchUrl('http://x/?q=sql%20injection&method=hybrid&k=5#sweep')).toEqual({ q: 'sql injection', method: 'hybrid', k: '5' });
    expect(readSearchUrl('http://x/')).toEqual({ q: '', method: undefined, k: undefined });
  });

  it('writes them, keeps other parameters and the hash, and drops empty values', () => {
    const next = searchUrl('http://x/?backend=cpu&q=old#optical', { q: 'path traversal', method: 'energy', k: '10' });
    const url = new URL(next);
    expect([url.searchParams.get('backend'), url.searchParams.get('q'), url.searchParams.get('method'), url.searchParams.get('k'), url.hash]).toEqual([
      'cpu',
      'path traversal',
      'energy',
      '10',
      '#optical',
    ]);
    expect(new URL(searchUrl(next, { q: '', method: 'energy', k: '10' })).searchParams.has('q')).toBe(false);
  });
});

describe('record links', () => {
  it('links CVE ids to NVD and CWE ids to MITRE, and nothing else', () => {
    expect(recordUrl('CVE-2008-2223')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2008-2223');
    expect(recordUrl('CVE-2017-11508')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2017-11508');
    expect(recordUrl('CWE-89')).toBe('https://cwe.mitre.org/data/definitions/89.html');
    expect(recordUrl('CWE-1287')).toBe('https://cwe.mitre.org/data/definitions/1287.html');
    for (const id of ['note-1', 'ice.txt', 'CVE-12-1', 'CWE-', 'xCWE-89']) expect(recordUrl(id), id).toBeNull();
  });
});

describe('method list', () => {
  const catalogue = describeMethods(SEARCH_METHODS, SEARCH_METHOD_NAMES, DEFAULT_METHOD, DEFAULT_SEARCH);
  const methodInfo = (id: string) => find(catalogue, id);

  it("offers every method of the index's table with its label and help, and names the index's default", () => {
    // By group, the fusions (the default's) first, the table's order within a group.
    expect(catalogue.methods.map((method) => method.id)).toEqual(['rrf', 'linear', 'linearZ', 'bm25', 'bm25Rm3', 'cosine', 'lambdaAware', 'energy', 'hybrid', 'cosineRocchio']);
    expect(new Set(catalogue.methods.map((method) => method.id))).toEqual(new Set(SEARCH_METHOD_NAMES));
    for (const method of catalogue.methods) {
      const spec = SEARCH_METHODS[method.id];
      expect([method.label, method.higherIsBetter, method.fusionKind], method.id).toEqual([spec.label, spec.order === 'similarity', spec.fusionKind]);
      expect(method.help.startsWith(spec.help), method.id).toBe(true);
    }
    expect(catalogue.defaultMethod).toBe(DEFAULT_METHOD);
    expect([BASELINE_METHOD, COMPARED_METHOD]).toEqual(['cosine', 'energy']);
    // The catalogue crosses to the page as plain data.
    expect(structuredClone(catalogue)).toEqual(catalogue);
    // The fusions say what they fuse here, from the index's default parameters.
    const { lexical, dense, weights } = DEFAULT_SEARCH.fusion;
    expect(methodInfo('linear')!.help).toContain(`Here: ${SEARCH_METHODS[lexical].label} (weight ${weights.lexical}) and ${SEARCH_METHODS[dense].label} (weight ${weights.dense})`);
    expect(methodInfo(DEFAULT_METHOD)!.help).toContain("The index's default");
    expect(methodInfo('bm25')!.help).not.toContain("The index's default");
    expect([methodInfo('bm25Rm3')!.group, methodInfo('energy')!.group, methodInfo('rrf')!.group]).toEqual(['Words (lexical)', 'Vectors (LSA)', 'Fusions of words and vectors']);
    expect([methodInfo('cosine')!.scoreName, methodInfo('bm25')!.scoreName, methodInfo('hybrid')!.scoreName, methodInfo('linear')!.scoreName]).toEqual(['cosine', 'BM25', 'distance', 'score']);
    expect(methodInfo('bm42')).toBeUndefined();
  });

  it('explains a score in words with the numbers that made it', () => {
    const settings = { alpha: 0.7, candidates: 100, weights: { lambda: 1, dispersion: 0.5, dirichlet: 0.25 } };
    const context = { rank: 2, score: 0.2047, lambda: 0.45, queryLambda: 0.341, settings };
    const explain = (id: string, c = context) => explainScore(catalogue, methodInfo(id)!, c);
    expect(explain('energy')).toBe(
      '#2 by Energy. Energy distance 0.2047 (lower is closer): the weighted gap between the two spectral signatures, ' +
        "λ × 1 + dispersion × 0.5 + Dirichlet energy of the difference × 0.25. The query's λ is 0.341, this document's 0.450.",
    );
    expect(explain('cosine', { ...context, score: 0.8313 })).toContain('Cosine similarity 0.8313: the word profiles of the query and of this text point almost the same way');
    expect(explain('cosine', { ...context, score: 0.05 })).toContain('nearly unrelated directions');
    expect(explain('lambdaAware')).toContain('Score 0.2047 (higher is better) = 0.7 × cosine + 0.3 × λ proximity.');
    expect(explain('hybrid')).toContain('among its 100 closest');
    expect(explain('bm25', { ...context, score: 7.25 })).toContain('BM25 score 7.2500 (higher is better)');
    expect(explain('bm25Rm3')).toContain(`up to ${DEFAULT_SEARCH.rm3.terms} words of the top ${DEFAULT_SEARCH.rm3.documents} texts`);
    expect(explain('cosineRocchio')).toContain(`top ${DEFAULT_SEARCH.rocchio.documents} texts of a first cosine search`);
    const { weights } = DEFAULT_SEARCH.fusion;
    expect(explain('linear', { ...context, score: 0.93 })).toBe(
      `#2 by ${SEARCH_METHODS.linear.label}. Fused score 0.9300 (higher is better): the min-max normalised scores of the document in ` +
        `BM25 + RM3 (weight ${weights.lexical}) and Cosine + Rocchio (weight ${weights.dense}) and its energy distance (weight ${weights.energy}), added up.`,
    );
    expect(explain('rrf')).toContain(`reciprocal ranks (1 / (${DEFAULT_SEARCH.fusion.rrfK} + rank))`);
    expect(explain('linearZ')).toContain('z-score normalised');
    // A method without its own sentence (a future one) still gets its score, direction and help.
    const future = { id: 'future' as never, label: 'Future', help: 'A method the index may add.', scoreName: 'score', higherIsBetter: true, group: 'Words (lexical)', fusionKind: null };
    expect(explainScore(catalogue, future, context)).toBe('#2 by Future. Score 0.2047 (higher is better). A method the index may add.');
  });
});

describe('sweep heatmaps', () => {
  it('groups the committed heatmaps by sweep and metric', () => {
    const heatmaps = parseHeatmaps({
      '../docs/sweep/cve-cwe/energy-ndcg10.svg': '/a.svg',
      '../docs/sweep/cve-cwe/weights-energy-ndcg10.svg': '/b.svg',
      '../docs/sweep/cve-cwe-small-eta/hybrid-mrr10.svg': '/c.svg',
      '../docs/sweep/top.svg': '/d.svg',
    });
    expect(heatmaps.map((h) => [h.set, h.name, h.metric])).toEqual([
      ['', 'top', 'top'],
      ['cve-cwe', 'energy-ndcg10', 'ndcg10'],
      ['cve-cwe', 'weights-energy-ndcg10', 'ndcg10'],
      ['cve-cwe-small-eta', 'hybrid-mrr10', 'mrr10'],
    ]);
  });

  it('captions them in words', () => {
    expect(metricLabel('ndcg10')).toBe('nDCG@10');
    expect(metricLabel('recall20')).toBe('Recall@20');
    expect(metricLabel('odd')).toBe('odd');
    const label = (id: string) => ({ lambdaAware: 'Lambda-aware', energy: 'Energy' })[id];
    expect(heatmapCaption({ name: 'lambdaAware-map20', metric: 'map20' }, label)).toBe('Lambda-aware over eta × steps, MAP@20');
    expect(heatmapCaption({ name: 'weights-energy-ndcg10', metric: 'ndcg10' }, label)).toBe('Energy, weight sweep, nDCG@10');
    expect(heatmapCaption({ name: 'bm42-ndcg10', metric: 'ndcg10' }, label)).toBe('bm42 over eta × steps, nDCG@10');
  });
});

describe('corpus embedding asset', () => {
  const topics = ['sql injection login form', 'path traversal file read', 'buffer overflow in parser', 'cross site scripting in comments', 'remote code execution via upload'];
  const texts = Array.from({ length: 300 }, (_, i) => `${topics[i % 5]} report ${i} in component ${i % 17} version ${i % 7}`);
  const bytes = encodeCorpusEmbedding(texts);
  const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i])), 0);

  it('holds the embedder and the vectors in f16: the decoded embedder embeds the texts as stored and like a fresh fit', () => {
    const decoded = decodeCorpusEmbedding(bytes, texts);
    expect(decoded.mismatch).toBeUndefined();
    const { embedder, vectors } = decoded.embedding!;
    expect([embedder.dims, vectors.length]).toEqual([EMBEDDING.dims, texts.length * EMBEDDING.dims]);
    // Two bytes per value plus the vocabulary: about half of the f32 form.
    expect(bytes.byteLength).toBeLessThan((embedder.vocabularySize + texts.length) * EMBEDDING.dims * 2 + 16_384);
    // The stored vectors are the decoded embedder's, rounded once more to f16 (unit rows: absolute error below 1e-3).
    expect(maxDifference(vectors, embedder.embedDocuments(texts))).toBeLessThan(1e-3);
    // The decoded embedder is the one fitted in Node with its projection rounded to f16.
    const fresh = demoEmbedder(texts.length);
    fresh.fit(texts);
    for (const query of ['sql injection', 'file read traversal', 'component 3']) {
      expect(maxDifference(embedder.embedQuery(query), fresh.embedQuery(query)), query).toBeLessThan(2e-3);
    }
  });

  it('says so when the file belongs to another corpus, and refuses a corrupted one with a typed error', () => {
    expect(decodeCorpusEmbedding(bytes, texts.slice(1)).mismatch).toBe('corpus embedding was made for another corpus (300 documents)');
    expect(decodeCorpusEmbedding(bytes, texts.map((text, i) => (i === 7 ? `${text}!` : text))).mismatch).toContain('another corpus');
    const corrupted = bytes.slice();
    corrupted[corrupted.length - 9] ^= 0x40;
    expect(() => decodeCorpusEmbedding(corrupted, texts, 'cve-corpus.embedding.bin')).toThrow(ContainerFormatError);
    expect(() => decodeCorpusEmbedding(bytes.subarray(0, 100), texts)).toThrow(/truncated/);
  });
});
