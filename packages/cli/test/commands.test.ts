/**
 * The eval, sweep, build and search commands run in-process on a tiny generated BEIR dataset
 * (36 documents), with the CPU index backend to stay fast.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DatasetFormatError, writeBeirDataset } from '@opticspace/eval';
import { readSections, SEARCH_METHOD_NAMES } from '@opticspace/index';
import { tinyDataset } from '../../eval/test/fixtures/tiny-dataset';
import * as evalCommand from '../src/commands/eval';
import * as sweepCommand from '../src/commands/sweep';
import * as buildCommand from '../src/commands/build';
import * as searchCommand from '../src/commands/search';
import * as cvCommand from '../src/commands/cv';

let directory: string;
let datasetDirectory: string;
let stdout: string[];
let stderr: string[];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'opticspace-cli-'));
  datasetDirectory = join(directory, 'tiny');
  await writeBeirDataset(datasetDirectory, tinyDataset());
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function capture(): void {
  stdout = [];
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void stdout.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void stderr.push(parts.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(((text: string) => (stderr.push(String(text)), true)) as typeof process.stderr.write);
}
afterEach(() => vi.restoreAllMocks());

describe('opticspace eval', () => {
  it('prints a table and writes the JSON report with every method and metric', async () => {
    capture();
    const json = join(directory, 'eval.json');
    const code = await evalCommand.run(['--dataset', datasetDirectory, '--dims', '8', '--seed', '3', '--backend', 'cpu', '--json', json]);
    expect(code).toBe(0);
    const table = stdout.join('\n');
    expect(table).toMatch(/method\s+ndcg@10\s+mrr@10\s+map@20\s+recall@10\s+recall@20\s+recall@100\s+alpha-ndcg@10\s+classes@10\s+ild@10/);
    for (const method of SEARCH_METHOD_NAMES) expect(table).toMatch(new RegExp(`^${method}\\s+\\d\\.\\d{4}.* n/a `, 'm'));
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report).toMatchObject({ dataset: 'tiny', docs: 36, queries: 8, embedder: expect.stringMatching(/^lexical-.*-8$/) });
    expect(Object.keys(report.results)).toEqual(SEARCH_METHOD_NAMES);
    expect(Object.keys(report.results.energy)).toEqual(['ndcg@10', 'mrr@10', 'map@20', 'recall@10', 'recall@20', 'recall@100', 'alpha-ndcg@10', 'classes@10', 'ild@10']);
    expect(report.results.energy['alpha-ndcg@10']).toBeNull();
    expect(report.results.bm25['mrr@10']).toBe(1);
    expect(typeof report.timings.buildMs).toBe('number');
    // The printed table shows the JSON numbers.
    expect(table).toContain(report.results.cosine['ndcg@10'].toFixed(4));
  });

  it('exits 2 with one line naming the problem and the help on bad arguments', async () => {
    capture();
    expect(await evalCommand.run(['--dims', '8'])).toBe(2);
    expect(stderr).toEqual(["opticspace: --dataset DIR is required [USAGE] (see 'opticspace eval --help')"]);
    expect(await evalCommand.run(['--dataset', datasetDirectory, '--methods', 'cosine,dense'])).toBe(2);
    expect(stderr.join('\n')).toMatch(new RegExp(`--methods expects one of ${[...SEARCH_METHOD_NAMES, 'blend'].join(', ')}, got 'dense'`));
    expect(await evalCommand.run(['--dataset', datasetDirectory, '--params', 'fusion.nope=1'])).toBe(2);
    expect(stderr.join('\n')).toMatch(/--params expects path=value with a path among .*fusion\.rrfK/);
    expect(await evalCommand.run(['--dataset', datasetDirectory, '--params', 'fusion.rrfK=abc'])).toBe(2);
    expect(stderr.join('\n')).toMatch(/--params fusion.rrfK expects a number, got 'abc'/);
  }, 30_000);

  it('reports a malformed corpus line with its number', async () => {
    capture();
    const broken = join(directory, 'broken');
    await writeBeirDataset(broken, tinyDataset());
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(broken, 'corpus.jsonl'), '{"_id":"d0","text":"x"}\n{"_id":"d1","text":\n');
    await expect(evalCommand.run(['--dataset', broken])).rejects.toThrow(DatasetFormatError);
    await expect(evalCommand.run(['--dataset', broken])).rejects.toThrow(/corpus\.jsonl:2: invalid JSON/);
  });
});

describe('opticspace build + search', () => {
  it('saves the index with its embedder and finds documents from query text', async () => {
    capture();
    const indexPath = join(directory, 'tiny.osx');
    expect(await buildCommand.run(['--dataset', datasetDirectory, '--out', indexPath, '--dims', '8', '--backend', 'cpu'])).toBe(0);
    // One file: the index, the embedder and the document list in one checksummed container.
    const files = (await readdir(directory)).filter((name) => name.startsWith('tiny.osx'));
    expect(files).toEqual(['tiny.osx']);
    expect(readSections(new Uint8Array(await readFile(indexPath)), { kind: 'opticspace-cli-index' }).names).toEqual(['index', 'embedder', 'documents']);

    stdout = [];
    expect(await searchCommand.run([indexPath, 'heat transfer boundary layer', '-k', '4', '--method', 'cosine', '--backend', 'cpu', '--json'])).toBe(0);
    const result = JSON.parse(stdout.join('\n'));
    expect(result.results).toHaveLength(4);
    expect(result.knownTerms).toBe(true);
    // Topic 1 (heat transfer) documents are d1, d5, d9, ...: index % 4 === 1.
    for (const hit of result.results) expect(Number(hit.id.slice(1)) % 4).toBe(1);
    for (let i = 1; i < result.results.length; i++) expect(result.results[i].score).toBeLessThanOrEqual(result.results[i - 1].score);

    stdout = [];
    expect(await searchCommand.run([indexPath, 'wing flutter', '--method', 'energy', '--backend', 'cpu'])).toBe(0);
    expect(stdout.join('\n')).toMatch(/rank\s+id\s+distance\s+text/);
    expect(stdout.join('\n').trim().split('\n')).toHaveLength(12);

    // The default method (a fusion of the query's text and embedding), BM25 alone, and search parameters by path.
    for (const method of [[], ['--method', 'bm25'], ['--method', 'rrf', '--params', 'fusion.lexical=bm25Rm3,fusion.rrfK=10,rm3.terms=5']]) {
      stdout = [];
      expect(await searchCommand.run([indexPath, 'sql injection login', '-k', '5', '--backend', 'cpu', '--json', ...method])).toBe(0);
      const hits = JSON.parse(stdout.join('\n')).results;
      for (const hit of hits) expect(Number(hit.id.slice(1)) % 4).toBe(3);
    }
    await expect(searchCommand.run([indexPath, 'x', '--method', 'rrf', '--params', 'rm3.originalWeight=3', '--backend', 'cpu'])).rejects.toThrow(/rm3.originalWeight/);

    expect(await searchCommand.run([indexPath, 'x', '-k', '99', '--backend', 'cpu'])).toBe(2);
    expect(await searchCommand.run([indexPath])).toBe(2);
    await expect(searchCommand.run([join(directory, 'missing.osx'), 'x'])).rejects.toThrow(/Cannot read .*missing\.osx: no such file or directory \(ENOENT\), given as INDEX/);
  });

  it('build needs exactly one corpus source', async () => {
    capture();
    expect(await buildCommand.run(['--out', join(directory, 'x.osx')])).toBe(2);
    expect(stderr.join('\n')).toContain('give exactly one of --dataset DIR or --corpus FILE.jsonl');
    expect(await buildCommand.run(['--corpus', join(datasetDirectory, 'corpus.jsonl'), '--out', join(directory, 'c.osx'), '--dims', '6', '--backend', 'cpu'])).toBe(0);
  });
});

describe('opticspace cv', () => {
  it('scores the grid on two datasets and writes the folds as JSON and Markdown', async () => {
    capture();
    const other = join(directory, 'tiny2');
    await writeBeirDataset(other, { ...tinyDataset(2), name: 'tiny2' });
    const out = join(directory, 'cv', 'default-method');
    expect(await cvCommand.run(['--datasets', `${datasetDirectory},${other}`, '--dims', '8', '--folds', '2', '--backend', 'cpu', '--out', out])).toBe(0);
    const report = JSON.parse(await readFile(`${out}.json`, 'utf8'));
    expect(report.folds).toHaveLength(2);
    expect(Object.keys(report.pooled)).toEqual(['tiny', 'tiny2']);
    expect(report.configurations).toBeUndefined();
    expect(report.energyEffect.map((row: { energy: number }) => row.energy)).toEqual([0.1, 0.2, 0.4]);
    expect(await readFile(`${out}.md`, 'utf8')).toContain(`**${report.final.chosen}**`);
    expect(await cvCommand.run(['--datasets', datasetDirectory])).toBe(2);
  }, 600_000);
});

describe('opticspace sweep', () => {
  it('writes the CSVs and one SVG and PNG heatmap per metric', async () => {
    capture();
    const out = join(directory, 'sweep');
    const code = await sweepCommand.run([
      '--dataset', datasetDirectory, '--dims', '8', '--backend', 'cpu', '--eta', '0.05,0.2', '--steps', '1,3',
      '--methods', 'energy', '--weight-grid', '0,1', '--out', out,
    ]);
    expect(code).toBe(0);
    const files = (await readdir(out)).sort();
    for (const metric of ['ndcg10', 'mrr10', 'map20', 'recall10', 'recall20']) {
      expect(files).toContain(`energy-${metric}.svg`);
      expect(files).toContain(`energy-${metric}.png`);
    }
    expect(files).toEqual(expect.arrayContaining(['diffusion.csv', 'weights.csv', 'weights-summary.json', 'weights-energy-ndcg10.svg']));
    const png = await readFile(join(out, 'energy-ndcg10.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect((await readFile(join(out, 'diffusion.csv'), 'utf8')).trim().split('\n')).toHaveLength(5);
    const summary = JSON.parse(await readFile(join(out, 'weights-summary.json'), 'utf8'));
    expect(summary.devQueries + summary.testQueries).toBe(8);
    expect(stderr.join('')).toMatch(/diffusion \[#+\] 4\/4/);
    expect(stdout.join('\n')).toMatch(/energy: best nDCG@10 \d\.\d{4} at eta=/);
  });
});
