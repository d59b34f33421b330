/**
 * Saves and loads at a Node file path (`#file-storage` under the `node` condition: see storage.ts).
 *
 * A save never leaves a half-written file in place of a good one: the bytes go to a temporary
 * file beside the target (unique name: pid, counter, random), are flushed to disk and renamed
 * over the target. Saves to one path from one process run one after another; temporary files
 * left by killed saves (their process is gone) are removed by the next save to that path.
 * Failures raise FileWriteError / FileReadError naming the caller's path.
 */
import * as fs from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeFileError, FileReadError, FileWriteError } from '../errors';
import { currentSaveHooks, type SaveStep } from '../save-hooks';

/** Bytes written per write call: a large file is written (and can be interrupted) in pieces. */
const CHUNK_BYTES = 1 << 22;

/** Reads a whole file at a Node path. */
export async function readNodeFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (error) {
    throw new FileReadError(path, describeFileError(error), { cause: error });
  }
}

/**
 * Checks that a file can be written at `path` (Node) before long work starts: the folder exists
 * and takes a new file, and the path is not a folder. Raises FileWriteError naming the path.
 */
export async function checkWritable(path: string): Promise<void> {
  const stats = await fs.stat(path).catch(() => null);
  if (stats?.isDirectory()) throw new FileWriteError(path, 'it is a directory (EISDIR)');
  const probe = temporaryName(path);
  try {
    await (await fs.open(probe, 'wx')).close();
  } catch (error) {
    throw new FileWriteError(path, describeFileError(error), { cause: error });
  }
  await fs.rm(probe, { force: true });
}

/** The tail of the save queue of every path being saved by this process. */
const queues = new Map<string, Promise<void>>();

export async function writeNodeFile(path: string, bytes: Uint8Array): Promise<void> {
  const key = resolve(path);
  const previous = queues.get(key) ?? Promise.resolve();
  const save = previous.then(() => writeAtomically(path, bytes));
  const tail = save.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return save;
}

let temporaryCounter = 0;

/** `<path>.tmp-<pid>-<counter>-<random>`: unique within the process and across processes. */
function temporaryName(path: string): string {
  const random = Math.floor(Math.random() * 2 ** 32).toString(36);
  return `${path}.tmp-${process.pid}-${++temporaryCounter}-${random}`;
}

async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  await removeStaleTemporaries(path);
  const temporary = temporaryName(path);
  const step = async (name: SaveStep, written: number) => currentSaveHooks()?.step(name, { path, written, total: bytes.length });
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temporary, 'wx');
    await step('temp-created', 0);
    // At least two pieces, so that tests can stop a save with part of the data written.
    const chunk = Math.max(1, Math.min(CHUNK_BYTES, Math.ceil(bytes.length / 2)));
    for (let written = 0; written < bytes.length; ) {
      const { bytesWritten } = await handle.write(bytes, written, Math.min(chunk, bytes.length - written));
      written += bytesWritten;
      await step('chunk-written', written);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await step('synced', bytes.length);
    await fs.rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw new FileWriteError(path, describeFileError(error), { cause: error });
  }
  await syncDirectory(dirname(path));
  await step('renamed', bytes.length);
}

/** Removes `<path>.tmp-<pid>-...` files whose process is gone (or is this one: its saves of `path` are serialised). */
async function removeStaleTemporaries(path: string): Promise<void> {
  const folder = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  const names = await fs.readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)-\d+-[0-9a-z]+$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || !processIsAlive(pid)) await fs.rm(join(folder, name), { force: true }).catch(() => undefined);
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes the folder entry so that the rename survives a power cut (best effort: not every file system allows it). */
async function syncDirectory(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r').catch(() => null);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}
