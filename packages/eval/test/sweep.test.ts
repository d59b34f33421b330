import { describe, expect, it } from 'vitest';
import {
  diffusionCsv,
  embedDataset,
  heatmapLayout,
  heatmapSvg,
  LexicalEmbedder,
  ProgressBar,
  runDiffusionSweep,
  runWeightSweep,
  splitQueries,
  toCsv,
  viridis,
  weightCombinations,
} from '../src/index';
import { tinyDataset } from './fixtures/tiny-dataset';

describe('query split', () => {
  it('is seeded, disjoint and covers every query', () => {
    const dataset = tinyDataset();
    const a = splitQueries(dataset, 7);
    const b = splitQueries(dataset, 7);
    expect(a.dev.queries.map((q) => q.id)).toEqual(b.dev.queries.map((q) => q.id));
    const dev = new Set(a.dev.queries.map((q) => q.id));
    expect(a.test.queries.some((q) => dev.has(q.id))).toBe(false);
    expect(a.dev.queries.length + a.test.queries.length).toBe(8);
    expect(a.dev.queries.length).toBe(4);
    expect(splitQueries(dataset, 8).dev.queries.map((q) => q.id)).not.toEqual(a.dev.queries.map((q) => q.id));
    expect(() => splitQueries(dataset, 1, 1)).toThrow(/devFraction/);
  });
});

describe('sweeps', () => {
  it('diffusion grid: one row per (eta, steps, method); weights tuned on dev, reported on test', async () => {
    const dataset = tinyDataset();
    const embedded = await embedDataset(dataset, new LexicalEmbedder({ dims: 8, seed: 2 }));
    const cells: string[] = [];
    const rows = await runDiffusionSweep(dataset, embedded, {
      etas: [0.05, 0.2],
      steps: [0, 3],
      methods: ['energy', 'cosine'],
      build: { backend: 'cpu' },
      onCell: ({ eta, steps }) => cells.push(`${eta}/${steps}`),
    });
    expect(cells).toEqual(['0.05/0', '0.05/3', '0.2/0', '0.2/3']);
    expect(rows).toHaveLength(8);
    // Diffusion does not touch cosine: identical in every cell.
    const cosine = rows.filter((row) => row.method === 'cosine').map((row) => row.metrics['ndcg@10']);
    expect(new Set(cosine).size).toBe(1);
    for (const row of rows) expect(row.etaUsed).toBeLessThanOrEqual(row.eta);
    const csv = diffusionCsv(rows).trim().split('\n');
    expect(csv[0]).toBe('eta,steps,eta_used,method,ndcg@10,mrr@10,map@20,recall@10,recall@20,recall@100,build_ms');
    expect(csv).toHaveLength(9);

    const result = await runWeightSweep(dataset, embedded, { lambdas: [0, 1], dispersions: [0], dirichlets: [0, 1], build: { backend: 'cpu' }, seed: 5 });
    expect(result.rows).toHaveLength(3);
    expect(result.devQueries + result.testQueries).toBe(8);
    const bestDev = Math.max(...result.rows.map((row) => row.dev['ndcg@10']));
    const chosen = result.rows.find((row) => row.lambda === result.best.lambda && row.dirichlet === result.best.dirichlet)!;
    expect(chosen.dev['ndcg@10']).toBe(bestDev);
    expect(result.test.tuned['ndcg@10']).toBeGreaterThanOrEqual(0);
  });

  it('weight combinations skip the all-zero point and validate the grid', () => {
    expect(weightCombinations([0, 1], [0, 1], [0, 1])).toHaveLength(7);
    expect(() => weightCombinations([], [1], [1])).toThrow(/grid is empty/);
    expect(() => weightCombinations([-1], [1], [1])).toThrow(/non-negative/);
  });
});

describe('report helpers', () => {
  const data = { title: 'T & <x>', xLabel: 'eta', yLabel: 'steps', xValues: [0.05, 0.1], yValues: [2, 4], values: [[0.1, 0.2], [0.3, NaN]] };

  it('heatmap marks the best cell, greys missing ones and escapes text', () => {
    const layout = heatmapLayout(data);
    const cells = layout.primitives.filter((p) => p.kind === 'rect' && p.width === 64);
    expect(cells).toHaveLength(4);
    expect(cells.filter((p) => p.kind === 'rect' && p.stroke)).toHaveLength(1);
    expect(cells.some((p) => p.kind === 'rect' && p.fill === '#dddddd')).toBe(true);
    const svg = heatmapSvg(data);
    expect(svg).toContain('T &amp; &lt;x&gt;');
    expect(svg).toContain('>0.300<');
    expect(svg).toContain('>n/a<');
    expect(() => heatmapLayout({ ...data, values: [[1]] })).toThrow(/values must be 2 rows of 2/);
    expect(viridis(0).fill).toBe('#440154');
    expect(viridis(1).fill).toBe('#fde725');
  });

  it('CSV quotes fields with commas and quotes', () => {
    expect(toCsv(['a', 'b'], [['x,y', 0.1234567], ['say "hi"', 3]])).toBe('a,b\n"x,y",0.123457\n"say ""hi""",3\n');
  });

  it('progress bar prints about ten lines when not on a terminal', () => {
    const lines: string[] = [];
    const bar = new ProgressBar(40, 'test', { write: (text: string) => lines.push(text), isTTY: false });
    for (let i = 0; i < 40; i++) bar.tick();
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.at(-1)).toMatch(/^test \[#{28}\] 40\/40/);
  });
});
