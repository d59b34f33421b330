/**
 * Atomic, serialised saves (storage.ts): concurrent saves to one path, unique temporary names,
 * stale temporaries, typed errors naming the caller's path, a full disk and a read-only file
 * system (real tmpfs mounts where the machine allows them, simulated failures always).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWritable, EnergyIndex, FileReadError, FileWriteError, readSource, setSaveHooks, writeTarget, type SaveStep } from '../src';
import { mountTmpfs } from '../../../test/support/file-systems';
import { reportCount } from '../../../test/support/counts';
import { clusteredVectors } from './fixtures';

const F = 12;
const folder = mkdtempSync(join(tmpdir(), 'opticspace-storage-'));
let first: Uint8Array;
let second: Uint8Array;

beforeAll(async () => {
  first = (await EnergyIndex.build(clusteredVectors(1, 80, F, 4), { dimension: F, backend: 'cpu' })).toBytes();
  second = (await EnergyIndex.build(clusteredVectors(2, 90, F, 4), { dimension: F, backend: 'cpu' })).toBytes();
});
afterEach(() => setSaveHooks(null));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const temporaries = (dir: string) => readdirSync(dir).filter((name) => name.includes('.tmp-'));
const loads = async (path: string) => (await EnergyIndex.load(path, { backend: 'cpu' })).toBytes();
const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

describe('concurrent saves to one path', () => {
  it('run one at a time in call order, each with its own temporary file', async () => {
    const dir = join(folder, 'concurrent');
    mkdirSync(dir);
    const path = join(dir, 'index.opsx');
    const steps: SaveStep[] = [];
    const names: string[] = [];
    setSaveHooks({
      step(step) {
        steps.push(step);
        if (step === 'temp-created') names.push(...temporaries(dir));
      },
    });
    const saves = 24;
    await Promise.all(Array.from({ length: saves }, (_, i) => writeTarget(path, i % 2 ? second : first)));
    // Never two temporaries at once, never interleaved steps: temp-created, chunks, synced, renamed per save.
    expect(names).toHaveLength(saves);
    expect(new Set(names).size).toBe(saves);
    const pattern = steps.join(' ').replace(/temp-created( chunk-written)+ synced renamed/g, 'save');
    expect(pattern).toBe(Array(saves).fill('save').join(' '));
    expect(new Uint8Array(readFileSync(path))).toEqual(second);
    expect(await loads(path)).toEqual(second);
    expect(temporaries(dir)).toEqual([]);
    reportCount('storage', 'concurrent in-process saves to one path', saves);
  });

  it('a failed save in the queue does not stop the next ones', async () => {
    const dir = join(folder, 'queue-failure');
    mkdirSync(dir);
    const path = join(dir, 'index.opsx');
    let fail = true;
    setSaveHooks({
      step(step) {
        if (step === 'chunk-written' && fail) {
          fail = false;
          throw errno('EIO');
        }
      },
    });
    const results = await Promise.allSettled([writeTarget(path, first), writeTarget(path, second)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(await loads(path)).toEqual(second);
  });
});

describe('stale temporaries', () => {
  it('are removed by the next save when their process is gone; live processes keep theirs', async () => {
    const dir = join(folder, 'stale');
    mkdirSync(dir);
    const path = join(dir, 'index.opsx');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const stale = [`index.opsx.tmp-${dead}-1-abc`, `index.opsx.tmp-${process.pid}-999999-zz`];
    const kept = ['index.opsx.tmp-1-1-abc', `other.opsx.tmp-${dead}-1-abc`, 'index.opsx.tmp-notes'];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'x'.repeat(1000));
    await writeTarget(path, first);
    expect(readdirSync(dir).sort()).toEqual(['index.opsx', ...kept].sort());
  });
});

describe('typed errors name the caller path', () => {
  it('missing folder, a folder as target, a missing file to read', async () => {
    const missing = join(folder, 'no-such-folder', 'index.opsx');
    const error = await writeTarget(missing, first).catch((e) => e);
    expect(error).toBeInstanceOf(FileWriteError);
    expect(error.message).toBe(`Cannot write ${missing}: no such file or directory (ENOENT).`);
    const dir = join(folder, 'a-folder.opsx');
    mkdirSync(dir);
    const isDir = await writeTarget(dir, first).catch((e) => e);
    expect(isDir).toBeInstanceOf(FileWriteError);
    expect(isDir.message).toMatch(/^Cannot write .*a-folder\.opsx: it is a directory \(EISDIR\)\.$/);
    expect(temporaries(folder)).toEqual([]);
    const read = await readSource(join(folder, 'nope.opsx')).catch((e) => e);
    expect(read).toBeInstanceOf(FileReadError);
    expect(read.code).toBe('FILE_READ');
    expect((await readSource(dir).catch((e) => e)).message).toMatch(/it is a directory \(EISDIR\)/);
  });

  it('checkWritable fails before any work and leaves nothing behind', async () => {
    await expect(checkWritable(join(folder, 'no-such-folder', 'x'))).rejects.toThrow(/no such file or directory \(ENOENT\)/);
    mkdirSync(join(folder, 'target-dir'));
    await expect(checkWritable(join(folder, 'target-dir'))).rejects.toThrow(/it is a directory/);
    const before = readdirSync(folder).sort();
    await checkWritable(join(folder, 'fresh.opsx'));
    expect(readdirSync(folder).sort()).toEqual(before);
  });
});

describe('disk full and read-only file systems', () => {
  it('simulated ENOSPC at every step before the rename keeps the previous file and removes the temporary', async () => {
    const dir = join(folder, 'simulated');
    mkdirSync(dir);
    const path = join(dir, 'index.opsx');
    await writeTarget(path, first);
    let cases = 0;
    for (const failAt of ['temp-created', 'chunk-written', 'synced'] as const) {
      setSaveHooks({
        step(step) {
          if (step === failAt) throw errno('ENOSPC');
        },
      });
      const error = await writeTarget(path, second).catch((e) => e);
      expect(error).toBeInstanceOf(FileWriteError);
      expect(error.message).toBe(`Cannot write ${path}: no space left on the device (ENOSPC).`);
      expect(await loads(path)).toEqual(first);
      expect(temporaries(dir)).toEqual([]);
      cases++;
    }
    reportCount('storage', 'simulated ENOSPC save failures', cases);
  });

  it('a real full disk (tmpfs) keeps the previous file, leaves no temporary and frees the space', async () => {
    const fs = mountTmpfs(256 * 1024);
    if (!fs) {
      console.log('[fault-count] storage: tmpfs disk-full = 0 (mount -t tmpfs not permitted here; simulated ENOSPC covers it)');
      return;
    }
    try {
      const path = join(fs.path, 'index.opsx');
      await writeTarget(path, first);
      const error = await writeTarget(path, new Uint8Array(1 << 20).fill(7)).catch((e) => e);
      expect(error).toBeInstanceOf(FileWriteError);
      expect(error.message).toBe(`Cannot write ${path}: no space left on the device (ENOSPC).`);
      expect(await loads(path)).toEqual(first);
      expect(readdirSync(fs.path)).toEqual(['index.opsx']);
      await writeTarget(path, second);
      expect(await loads(path)).toEqual(second);
      reportCount('storage', 'tmpfs disk-full saves', 1);
    } finally {
      fs.unmount();
    }
  });

  it('a read-only file system fails the save (and checkWritable) with EROFS and keeps the file', async () => {
    const fs = mountTmpfs(256 * 1024);
    if (!fs) {
      // Without root: a folder without write permission.
      const dir = join(folder, 'read-only');
      mkdirSync(dir);
      await writeTarget(join(dir, 'index.opsx'), first);
      chmodSync(dir, 0o555);
      await expect(writeTarget(join(dir, 'index.opsx'), second)).rejects.toThrow(/permission denied \(EACCES\)/);
      chmodSync(dir, 0o755);
      return;
    }
    try {
      const path = join(fs.path, 'index.opsx');
      await writeTarget(path, first);
      fs.makeReadOnly();
      await expect(writeTarget(path, second)).rejects.toThrow(`Cannot write ${path}: read-only file system (EROFS).`);
      await expect(checkWritable(path)).rejects.toThrow(/EROFS/);
      expect(await loads(path)).toEqual(first);
      reportCount('storage', 'read-only file system saves', 1);
    } finally {
      fs.unmount();
    }
  });
});
