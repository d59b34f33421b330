// The demo's page-independent logic: newest-search-wins scheduling, the shareable address,
// record links, the method list and its score explanations, and the sweep heatmap index.
import { describe, expect, it } from 'vitest';
import { LatestOnly } from '../demo/src/latest-only';
import { readSearchUrl, searchUrl } from '../demo/src/url-state';
import { recordUrl } from '../demo/src/links';
import { BASELINE_METHOD, comparedMethods, DEFAULT_METHOD, explainScore, METHODS, methodInfo } from '../demo/src/methods';
import { heatmapCaption, metricLabel, parseHeatmaps } from '../demo/src/sweep';

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
  it('names the four methods of the index, with the baseline and the default among them', () => {
    expect(METHODS.map((method) => method.id).sort()).toEqual(['cosine', 'energy', 'hybrid', 'lambdaAware']);
    expect(methodInfo(BASELINE_METHOD)?.id).toBe('cosine');
    expect(comparedMethods().map((method) => method.id)).not.toContain(BASELINE_METHOD);
    expect(comparedMethods().map((method) => method.id)).toContain(DEFAULT_METHOD);
    for (const method of METHODS) expect(method.help.length, method.id).toBeGreaterThan(40);
  });

  it('explains a score in words with the numbers that made it', () => {
    const settings = { alpha: 0.7, candidates: 100, weights: { lambda: 1, dispersion: 0.5, dirichlet: 0.25 } };
    const context = { rank: 2, score: 0.2047, lambda: 0.45, queryLambda: 0.341, settings };
    expect(explainScore(methodInfo('energy')!, context)).toBe(
      '#2 by Energy distance. Energy distance 0.2047 (lower is closer): the weighted gap between the two spectral signatures, ' +
        "λ × 1 + dispersion × 0.5 + Dirichlet energy of the difference × 0.25. The query's λ is 0.341, this document's 0.450.",
    );
    expect(explainScore(methodInfo('cosine')!, { ...context, score: 0.8313 })).toContain('Cosine similarity 0.8313: the word profiles of the query and of this text point almost the same way');
    expect(explainScore(methodInfo('cosine')!, { ...context, score: 0.05 })).toContain('nearly unrelated directions');
    expect(explainScore(methodInfo('lambdaAware')!, context)).toContain('Score 0.2047 (higher is better) = 0.7 × cosine + 0.3 × λ proximity.');
    expect(explainScore(methodInfo('hybrid')!, context)).toContain('among its 100 closest');
    // A method without its own sentence (a future one) still gets its score, direction and help.
    const future = { id: 'fusion' as never, label: 'Fusion', help: 'Reciprocal-rank fusion of BM25 and cosine.', scoreName: 'score', higherIsBetter: true };
    expect(explainScore(future, context)).toBe('#2 by Fusion. Score 0.2047 (higher is better). Reciprocal-rank fusion of BM25 and cosine.');
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
    expect(heatmapCaption({ name: 'lambdaAware-map20', metric: 'map20' })).toBe('Lambda-aware over eta × steps, MAP@20');
    expect(heatmapCaption({ name: 'weights-energy-ndcg10', metric: 'ndcg10' })).toBe('Energy distance, weight sweep, nDCG@10');
  });
});
