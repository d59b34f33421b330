/**
 * Every CLI failure is one line `opticspace: <message> [CODE]` with a non-zero exit status, and
 * outputs are checked before any long work. The cases of issue 12 run in-process (the command's
 * error through the same errorLine as main.ts); three also run as real processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeEmbedder, encodeEmbedder, formatCorpusJsonl, writeBeirDataset } from '@opticspace/eval';
import { EnergyIndex, readSections, writeSections } from '@opticspace/index';
import { parseSafetensorsHeader } from '@opticspace/encoder';
import { tinyDataset } from '../../eval/test/fixtures/tiny-dataset';
import { mountTmpfs, type Tmpfs } from '../../../test/support/file-systems';
import { reportCount } from '../../../test/support/counts';
import { errorLine } from '../src/error-line';
import * as build from '../src/commands/build';
import * as encode from '../src/commands/encode';
import * as evaluate from '../src/commands/eval';
import * as search from '../src/commands/search';
import * as sweep from '../src/commands/sweep';

const root = resolve(__dirname, '../../..');
const fixture = join(root, 'packages/encoder/test/fixtures/grow-192');
const folder = mkdtempSync(join(tmpdir(), 'opticspace-cli-errors-'));
const dataset = join(folder, 'tiny');
const corpus = join(folder, 'corpus.jsonl');
const missingDir = join(folder, 'no-such-folder');
let readOnly: Tmpfs | null = null;
let stderr: string[] = [];
let cases = 0;

beforeAll(async () => {
  await writeBeirDataset(dataset, tinyDataset());
  writeFileSync(corpus, formatCorpusJsonl(tinyDataset().corpus));
  readOnly = mountTmpfs(64 * 1024);
  readOnly?.makeReadOnly();
});
afterAll(() => {
  readOnly?.unmount();
  rmSync(folder, { recursive: true, force: true });
  reportCount('cli', 'one-line typed error cases', cases);
});
afterEach(() => vi.restoreAllMocks());

function quiet(): void {
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void stderr.push(parts.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(((text: string) => (stderr.push(String(text)), true)) as typeof process.stderr.write);
}

/** Runs a command that must fail; returns the line main.ts would print. */
async function failure(command: { run(argv: string[]): Promise<number> }, argv: string[], code: string, message: RegExp): Promise<string> {
  quiet();
  const outcome = await command.run(argv).then(
    (status) => ({ status, line: stderr.join('\n') }),
    (error: unknown) => ({ status: 1, line: errorLine(error) }),
  );
  vi.restoreAllMocks();
  expect(outcome.status).not.toBe(0);
  expect(outcome.line).not.toContain('\n');
  expect(outcome.line).toMatch(new RegExp(`^opticspace: .+ \\[${code}\\]`));
  expect(outcome.line).toMatch(message);
  expect(outcome.line).not.toMatch(/\.tmp-|    at /);
  cases++;
  return outcome.line;
}

describe('output problems are found before the work starts', () => {
  it('build --out into a missing folder, onto a folder, onto a read-only file system', async () => {
    await failure(build, ['--corpus', corpus, '--out', join(missingDir, 'x.osx'), '--dims', '6', '--backend', 'cpu'], 'FILE_WRITE', /Cannot write .*no-such-folder\/x\.osx: no such file or directory \(ENOENT\)/);
    expect(stderr.join('')).not.toContain('build: embedded');
    mkdirSync(join(folder, 'a-folder'));
    await failure(build, ['--corpus', corpus, '--out', join(folder, 'a-folder'), '--dims', '6', '--backend', 'cpu'], 'FILE_WRITE', /it is a directory \(EISDIR\)/);
    if (readOnly) {
      await failure(build, ['--corpus', corpus, '--out', join(readOnly.path, 'x.osx'), '--dims', '6', '--backend', 'cpu'], 'FILE_WRITE', /read-only file system \(EROFS\)/);
      expect(stderr.join('')).not.toContain('build: embedded');
    } else console.log('[cli-errors] no tmpfs mount here: the read-only case is covered by permissions in storage.test.ts');
  });

  it('eval --json into a missing folder; sweep --out onto a file', async () => {
    await failure(evaluate, ['--dataset', dataset, '--dims', '6', '--backend', 'cpu', '--json', join(missingDir, 'r.json')], 'FILE_WRITE', /no-such-folder\/r\.json: no such file or directory/);
    expect(stderr.join('')).not.toMatch(/eval: tiny/);
    writeFileSync(join(folder, 'a-file'), 'x');
    await failure(sweep, ['--dataset', dataset, '--dims', '6', '--backend', 'cpu', '--out', join(folder, 'a-file')], 'FILE_WRITE', /a-file: it is a file, not a directory/);
    expect(stderr.join('')).not.toContain('diffusion');
  });

  it('encode --out into a missing folder fails before the pixels are even read', async () => {
    await failure(encode, ['--weights', join(fixture, 'weights.bin'), '--pixels', join(folder, 'missing.npy'), '--config', join(fixture, 'config.json'), '--out', join(missingDir, 't.npy')], 'FILE_WRITE', /no-such-folder\/t\.npy/);
    await failure(encode, ['--weights', join(fixture, 'weights.bin'), '--pixels', join(fixture, 'pixels.npy'), '--config', join(fixture, 'config.json'), '--out', join(folder, 't.npy'), '--dump-sam', join(missingDir, 's.npy')], 'FILE_WRITE', /s\.npy/);
  });
});

describe('encode inputs', () => {
  const out = () => join(folder, 'tokens.npy');
  const base = () => ['--config', join(fixture, 'config.json'), '--out', out()];

  it('--weights a folder, --pixels or --image missing', async () => {
    await failure(encode, ['--weights', folder, '--pixels', join(fixture, 'pixels.npy'), ...base()], 'INVALID_INPUT', /cannot open weights file .*: it is not a regular file/);
    await failure(encode, ['--weights', join(fixture, 'weights.bin'), '--pixels', join(folder, 'missing.npy'), ...base()], 'FILE_READ', /missing\.npy: no such file or directory \(ENOENT\), given as --pixels/);
    await failure(encode, ['--weights', join(fixture, 'weights.bin'), '--image', join(folder, 'missing.png'), ...base()], 'FILE_READ', /missing\.png: .*given as --image/);
  });

  it('--config missing, not JSON, incomplete', async () => {
    const args = (config: string) => ['--weights', join(fixture, 'weights.bin'), '--pixels', join(fixture, 'pixels.npy'), '--config', config, '--out', out()];
    await failure(encode, args(join(folder, 'missing.json')), 'FILE_READ', /missing\.json: .*given as --config/);
    writeFileSync(join(folder, 'bad.json'), '{"imageSize": 192,');
    await failure(encode, args(join(folder, 'bad.json')), 'INVALID_INPUT', /--config .*bad\.json is not valid JSON/);
    const incomplete = JSON.parse(readFileSync(join(fixture, 'config.json'), 'utf8'));
    delete incomplete.sam.depth;
    writeFileSync(join(folder, 'incomplete.json'), JSON.stringify(incomplete));
    await failure(encode, args(join(folder, 'incomplete.json')), 'INVALID_INPUT', /incomplete\.json: encoder config: sam\.depth must be a number, got undefined/);
    writeFileSync(join(folder, 'null.json'), 'null');
    await failure(encode, args(join(folder, 'null.json')), 'INVALID_INPUT', /encoder config: imageSize must be a number/);
  });

  it('a truncated --image, NaN weights, pixels outside [-1, 1]', async () => {
    const png = new Uint8Array(readFileSync(join(root, 'docs/sweep/cve-cwe/energy-ndcg10.png')));
    writeFileSync(join(folder, 'cut.png'), png.subarray(0, png.length - 100));
    await failure(encode, ['--weights', join(fixture, 'weights.bin'), '--image', join(folder, 'cut.png'), ...base()], 'IMAGE_DECODE', /PNG is truncated/);
    const weights = new Uint8Array(readFileSync(join(fixture, 'weights.bin')));
    const info = parseSafetensorsHeader(weights, weights.length).tensors.get('model.projector.layers.bias')!;
    new DataView(weights.buffer).setFloat32(info.begin + 8, NaN, true);
    writeFileSync(join(folder, 'nan.safetensors'), weights);
    await failure(encode, ['--weights', join(folder, 'nan.safetensors'), '--pixels', join(fixture, 'pixels.npy'), ...base()], 'NON_FINITE_WEIGHT', /'model\.projector\.layers\.bias' \(shape \[20\]\) holds NaN at flat index 2/);
    const { parseNpy, writeNpy } = await import('@opticspace/encoder');
    const pixels = parseNpy(new Uint8Array(readFileSync(join(fixture, 'pixels.npy'))));
    pixels.data[100] = 200;
    writeFileSync(join(folder, 'bytes.npy'), writeNpy(pixels.data, pixels.shape));
    await failure(encode, ['--weights', join(fixture, 'weights.bin'), '--pixels', join(folder, 'bytes.npy'), ...base()], 'INVALID_INPUT', /pixel value 200 at index 100 .* outside the normalised range \[-1, 1\]/);
  });
});

describe('search on a bad INDEX', () => {
  it('old three-file layout, a corrupted bundle, a bundle of another kind', async () => {
    const old = join(folder, 'old.osx');
    await (await EnergyIndex.build(new Float32Array(64).map((_, i) => Math.sin(i)), { dimension: 8, backend: 'cpu' })).save(old);
    await failure(search, [old, 'query'], 'SAVED_INDEX_OUTDATED', /older three-file layout.*rebuild it with 'opticspace build --out/);
    const bundle = join(folder, 'good.osx');
    quiet();
    expect(await build.run(['--corpus', corpus, '--out', bundle, '--dims', '6', '--backend', 'cpu'])).toBe(0);
    vi.restoreAllMocks();
    const bytes = new Uint8Array(readFileSync(bundle));
    bytes[bytes.length - 20] ^= 4;
    writeFileSync(join(folder, 'flipped.osx'), bytes);
    await failure(search, [join(folder, 'flipped.osx'), 'query'], 'CONTAINER_FORMAT', /flipped\.osx: section '\w+' checksum mismatch/);
    writeFileSync(join(folder, 'other.osx'), writeSections('something-else', []));
    await failure(search, [join(folder, 'other.osx'), 'query'], 'CONTAINER_FORMAT', /holds 'something-else', expected 'opticspace-cli-index'/);
    await failure(build, ['--corpus', join(folder, 'missing.jsonl'), '--out', join(folder, 'n.osx')], 'FILE_READ', /missing\.jsonl: .*given as --corpus/);
  });

  it('crafted bundles with valid checksums: NaN in the embedder, bad or missing documents', async () => {
    const bundle = readSections(new Uint8Array(readFileSync(join(folder, 'good.osx'))));
    const craft = (name: string, replace: Record<string, Uint8Array>) => {
      writeFileSync(join(folder, name), writeSections(bundle.kind, bundle.names.map((section) => ({ name: section, bytes: replace[section] ?? bundle.get(section) }))));
      return join(folder, name);
    };
    // A NaN written into the projection and re-encoded: the embedder's own CRC-32 is valid.
    const saved = decodeEmbedder(bundle.get('embedder'));
    const [projection] = saved.exportState().arrays;
    projection[projection.length - 1] = NaN;
    const embedder = encodeEmbedder(saved);
    await failure(search, [craft('nan.osx', { embedder }), 'query'], 'EMBEDDER_STATE', /nan\.osx \(embedder\): projection row \d+ \(term '.*'\), column 5 is NaN/);
    const documents = new TextDecoder().decode(bundle.get('documents')).trim().split('\n');
    await failure(search, [craft('fewer.osx', { documents: new TextEncoder().encode(documents.slice(1).join('\n')) }), 'query'], 'SAVED_INDEX', /has 36 items but lists 35 documents/);
    documents[3] = '{"title": "no id"}';
    await failure(search, [craft('noid.osx', { documents: new TextEncoder().encode(documents.join('\n')) }), 'query'], 'SAVED_INDEX', /document 3 lacks a string _id/);
  });
});

describe('as real processes', () => {
  /** `opticspace <args>` through the bin's runner: exit status and stderr lines. */
  function cli(args: string[]): { status: number | null; lines: string[] } {
    const result = spawnSync(process.execPath, [join(root, 'scripts/run-ts.mjs'), join(root, 'packages/cli/src/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
    return { status: result.status, lines: result.stderr.split('\n').filter((line) => line.trim() !== '') };
  }

  it('print exactly one line and exit non-zero', () => {
    for (const [args, code] of [
      [['build', '--corpus', corpus, '--out', join(missingDir, 'x.osx')], 'FILE_WRITE'],
      [['encode', '--weights', folder, '--pixels', join(fixture, 'pixels.npy'), '--config', join(fixture, 'config.json'), '--out', join(folder, 'o.npy')], 'INVALID_INPUT'],
      [['search', join(folder, 'missing.osx'), 'x'], 'FILE_READ'],
      [['eval'], 'USAGE'],
    ] as const) {
      const { status, lines } = cli([...args]);
      expect(status, lines.join('\n')).toBeGreaterThan(0);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^opticspace: .+ \\[${code}\\]`));
      cases++;
    }
  });
});
