/**
 * Process-level faults, each in child processes (test/support/fault-child.ts):
 *   - kill -9 at every step of an index save and of `opticspace build --out` (and during the
 *     build's computation): the previous file / bundle still loads, whole and consistent, and the
 *     next save removes the dead process's temporary file;
 *   - several processes saving to one path at once: the file is always one whole index;
 *   - a file-size limit (ulimit -f: EFBIG from the kernel, no root needed) mid-save.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatCorpusJsonl } from '@opticspace/eval';
import { EnergyIndex, writeTarget } from '@opticspace/index';
import { tinyDataset } from '../packages/eval/test/fixtures/tiny-dataset';
import { clusteredVectors } from '../packages/index/test/fixtures';
import { run as build } from '../packages/cli/src/commands/build';
import { loadIndexBundle } from '../packages/cli/src/saved-index';
import { reportCount } from './support/counts';

const root = resolve(__dirname, '..');
const folder = mkdtempSync(join(tmpdir(), 'opticspace-faults-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface ChildResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stoppedAt: string | null;
}

/** Runs fault-child.ts; kills it with SIGKILL when it prints STOPPED (or when `killOn` matches its stderr). */
function child(args: string[], options: { killOn?: RegExp; shell?: string } = {}): Promise<ChildResult> {
  const node = [process.execPath, '--import', 'tsx', '--import', join(root, 'scripts/register-wgsl.mjs'), join(root, 'test/support/fault-child.ts'), ...args];
  const command = options.shell ? ['bash', '-c', `${options.shell}; exec "$@"`, 'bash', ...node] : node;
  return new Promise((done, fail) => {
    const process_ = spawn(command[0], command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stoppedAt: string | null = null;
    const timer = setTimeout(() => {
      process_.kill('SIGKILL');
      fail(new Error(`child ${args.join(' ')} did not stop within 120 s; stderr: ${stderr}`));
    }, 120_000);
    process_.stdout.on('data', (data) => {
      stdout += data;
      const stopped = /STOPPED (\S+)/.exec(stdout);
      if (stopped && !stoppedAt) {
        stoppedAt = stopped[1];
        process_.kill('SIGKILL');
      }
    });
    process_.stderr.on('data', (data) => {
      stderr += data;
      if (options.killOn?.test(stderr) && !stoppedAt) {
        stoppedAt = 'computation';
        process_.kill('SIGKILL');
      }
    });
    process_.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ stdout, stderr, code, signal, stoppedAt });
    });
  });
}

const temporaries = (dir: string) => readdirSync(dir).filter((name) => name.includes('.tmp-'));
const bytesOf = (path: string) => new Uint8Array(readFileSync(path));

describe('kill -9 during an index save', () => {
  const dir = join(folder, 'save');
  const target = join(dir, 'index.opsx');
  const source = join(dir, 'source.opsx');
  let previous: Uint8Array;
  let next: Uint8Array;

  beforeAll(async () => {
    mkdirSync(dir);
    previous = (await EnergyIndex.build(clusteredVectors(3, 150, 16, 5), { dimension: 16, backend: 'cpu' })).toBytes();
    next = (await EnergyIndex.build(clusteredVectors(4, 400, 16, 5), { dimension: 16, backend: 'cpu' })).toBytes();
    writeFileSync(source, next);
  });

  const points = ['temp-created', 'chunk-written:1', 'synced', 'renamed'];
  let killed = 0;
  afterAll(() => reportCount('kill -9', 'index save kill points', killed));
  it.each(points)('killed at %s: the target loads whole (previous before the rename, new after)', async (point) => {
    await writeTarget(target, previous);
    const result = await child(['save', point, source, target]);
    expect(result.signal).toBe('SIGKILL');
    expect(result.stoppedAt).toBe(point.split(':')[0]);
    const afterRename = point === 'renamed';
    const loaded = (await EnergyIndex.load(target, { backend: 'cpu' })).toBytes();
    expect(loaded).toEqual(afterRename ? next : previous);
    // The dead save's temporary is left behind ... and removed by the next save.
    expect(temporaries(dir)).toHaveLength(afterRename ? 0 : 1);
    await writeTarget(target, previous);
    expect(temporaries(dir)).toEqual([]);
    killed++;
  });
});

describe('kill -9 during opticspace build --out', () => {
  const dir = join(folder, 'build');
  const corpus = join(dir, 'corpus.jsonl');
  const bundle = join(dir, 'tiny.osx');
  let previous: Uint8Array;

  beforeAll(async () => {
    mkdirSync(dir);
    writeFileSync(corpus, formatCorpusJsonl(tinyDataset().corpus));
  });

  const points = ['computation', 'temp-created', 'chunk-written:1', 'synced', 'renamed'];
  let killed = 0;
  afterAll(() => reportCount('kill -9', 'build --out kill points', killed));
  it.each(points)('killed at %s: the previous bundle (or the new one, after the rename) loads and is consistent', async (point) => {
    // The previous bundle: 6 dimensions; the killed build writes 8.
    const log = console.error;
    console.error = () => undefined;
    const logOut = console.log;
    console.log = () => undefined;
    try {
      expect(await build(['--corpus', corpus, '--out', bundle, '--dims', '6', '--backend', 'cpu'])).toBe(0);
    } finally {
      console.error = log;
      console.log = logOut;
    }
    previous = bytesOf(bundle);
    const args = ['--corpus', corpus, '--out', bundle, '--dims', '8', '--backend', 'cpu'];
    const result = point === 'computation' ? await child(['build', 'none', ...args], { killOn: /build: embedded/ }) : await child(['build', point, ...args]);
    expect(result.signal).toBe('SIGKILL');
    expect(result.stoppedAt).toBe(point.split(':')[0]);
    const afterRename = point === 'renamed';
    if (!afterRename) expect(bytesOf(bundle)).toEqual(previous);
    const { index, embedder, documents } = await loadIndexBundle(bundle, 'cpu');
    try {
      expect(embedder.dims).toBe(afterRename ? 8 : 6);
      expect(documents).toHaveLength(index.size);
      expect(documents.map((d) => d.id)).toEqual(tinyDataset().corpus.map((d) => d.id));
      const hits = await index.search(await embedder.embedQuery('heat transfer boundary layer'), { k: 3, method: 'cosine' });
      expect(hits).toHaveLength(3);
    } finally {
      index.dispose();
    }
    await writeTarget(bundle, previous);
    expect(temporaries(dir)).toEqual([]);
    killed++;
  });
});

describe('several processes saving to one path', () => {
  it('leave one whole index and no temporary files', async () => {
    const dir = join(folder, 'processes');
    mkdirSync(dir);
    const target = join(dir, 'index.opsx');
    const sources = await Promise.all(
      [5, 6, 7].map(async (seed) => {
        const bytes = (await EnergyIndex.build(clusteredVectors(seed, 300 + seed * 20, 16, 5), { dimension: 16, backend: 'cpu' })).toBytes();
        const path = join(dir, `source-${seed}.opsx`);
        writeFileSync(path, bytes);
        return { path, bytes };
      }),
    );
    const saves = 15;
    const results = await Promise.all(sources.map((source) => child(['saves', String(saves), source.path, target])));
    for (const result of results) expect(result.stdout).toContain('DONE');
    const final = (await EnergyIndex.load(target, { backend: 'cpu' })).toBytes();
    expect(sources.some((source) => Buffer.from(source.bytes).equals(Buffer.from(final)))).toBe(true);
    expect(temporaries(dir)).toEqual([]);
    reportCount('concurrency', 'processes x saves to one path', sources.length * saves);
  });
});

describe('a file-size limit mid-save (ulimit -f, EFBIG)', () => {
  it('fails with a typed error naming the target; the previous index stays', async () => {
    const dir = join(folder, 'efbig');
    mkdirSync(dir);
    const target = join(dir, 'index.opsx');
    const small = (await EnergyIndex.build(clusteredVectors(8, 60, 16, 4), { dimension: 16, backend: 'cpu' })).toBytes();
    const large = (await EnergyIndex.build(clusteredVectors(9, 2000, 16, 5), { dimension: 16, backend: 'cpu' })).toBytes();
    expect(large.length).toBeGreaterThan(100 * 1024);
    writeFileSync(target, small);
    const source = join(folder, 'efbig-source.opsx');
    writeFileSync(source, large);
    // 64 blocks of 1 KiB: the small index fits, the large one does not.
    const result = await child(['save', 'none', source, target], { shell: 'ulimit -f 64' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Cannot write ${target}: file too large for this file system or process limit (EFBIG).`);
    expect(result.stderr).not.toContain('.tmp-');
    expect((await EnergyIndex.load(target, { backend: 'cpu' })).toBytes()).toEqual(small);
    expect(temporaries(dir)).toEqual([]);
    reportCount('disk full', 'EFBIG (ulimit -f) saves', 1);
  });
});
