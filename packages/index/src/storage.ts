/**
 * Where saved indexes (and any other opticspace file) live: a file path in Node, or in the
 * browser a FileSystemFileHandle (its writable stream commits on close) or a name in the origin
 * private file system (OPFS).
 *
 * A Node save never leaves a half-written file in place of a good one: the bytes go to a
 * temporary file beside the target (unique name: pid, counter, random), are flushed to disk and
 * renamed over the target. Saves to one path from one process run one after another; temporary
 * files left by killed saves (their process is gone) are removed by the next save to that path.
 * Failures raise FileWriteError / FileReadError naming the caller's path.
 */
import { isNode } from '@opticspace/gpu';
import { describeFileError, FileReadError, FileWriteError, InvalidParameterError } from './errors';

export type SaveTarget = string | FileSystemFileHandle;
export type LoadSource = string | FileSystemFileHandle | Uint8Array | ArrayBuffer;

/** The points of a Node save, in order (fault-injection tests stop or fail a save at each). */
export type SaveStep = 'temp-created' | 'chunk-written' | 'synced' | 'renamed';
export interface SaveHooks {
  step(step: SaveStep, info: { path: string; written: number; total: number }): void | Promise<void>;
}
let saveHooks: SaveHooks | null = null;

/** Installs (or removes, with null) hooks called at every SaveStep: for fault-injection tests only. */
export function setSaveHooks(hooks: SaveHooks | null): void {
  saveHooks = hooks;
}

/** Bytes written per write call: a large file is written (and can be interrupted) in pieces. */
const CHUNK_BYTES = 1 << 22;

export async function writeTarget(target: SaveTarget, bytes: Uint8Array): Promise<void> {
  if (typeof target === 'string') {
    if (isNode()) return writeNodeFile(target, bytes);
    return writeHandle(await opfsFile(target, true), bytes, target);
  }
  if (target && typeof (target as FileSystemFileHandle).createWritable === 'function') return writeHandle(target, bytes, target.name);
  throw new InvalidParameterError('save target', 'a file path (Node), an OPFS file name or a FileSystemFileHandle', typeof target);
}

export async function readSource(source: LoadSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source === 'string') {
    if (isNode()) {
      const { readFile } = await nodeFs();
      try {
        return new Uint8Array(await readFile(source));
      } catch (error) {
        throw new FileReadError(source, describeFileError(error), { cause: error });
      }
    }
    return readHandle(await opfsFile(source, false), source);
  }
  if (source && typeof (source as FileSystemFileHandle).getFile === 'function') return readHandle(source, source.name);
  throw new InvalidParameterError('load source', 'a file path, an OPFS name, a FileSystemFileHandle, a Uint8Array or an ArrayBuffer', typeof source);
}

/**
 * Checks that a file can be written at `path` (Node) before long work starts: the folder exists
 * and takes a new file, and the path is not a folder. Raises FileWriteError naming the path.
 */
export async function checkWritable(path: string): Promise<void> {
  const fs = await nodeFs();
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

/** node:fs/promises and node:path, named through a variable so browser bundlers never resolve them. */
function nodeFs(): Promise<typeof import('node:fs/promises')> {
  const name = 'node:fs/promises';
  return import(/* @vite-ignore */ name);
}
function nodePath(): Promise<typeof import('node:path')> {
  const name = 'node:path';
  return import(/* @vite-ignore */ name);
}

/** The tail of the save queue of every path being saved by this process. */
const queues = new Map<string, Promise<void>>();

async function writeNodeFile(path: string, bytes: Uint8Array): Promise<void> {
  const key = (await nodePath()).resolve(path);
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
  const fs = await nodeFs();
  await removeStaleTemporaries(path);
  const temporary = temporaryName(path);
  const step = async (name: SaveStep, written: number) => saveHooks?.step(name, { path, written, total: bytes.length });
  let handle: import('node:fs/promises').FileHandle | undefined;
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
  await syncDirectory((await nodePath()).dirname(path));
  await step('renamed', bytes.length);
}

/** Removes `<path>.tmp-<pid>-...` files whose process is gone (or is this one: its saves of `path` are serialised). */
async function removeStaleTemporaries(path: string): Promise<void> {
  const fs = await nodeFs();
  const { basename, dirname, join } = await nodePath();
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
  const fs = await nodeFs();
  const handle = await fs.open(folder, 'r').catch(() => null);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

async function opfsFile(name: string, create: boolean): Promise<FileSystemFileHandle> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.getDirectory) throw new InvalidParameterError('target', 'a FileSystemFileHandle (this browser has no OPFS)', name);
  const root = await storage.getDirectory();
  try {
    return await root.getFileHandle(name, { create });
  } catch (error) {
    throw create ? new FileWriteError(name, describeFileError(error), { cause: error }) : new FileReadError(name, describeFileError(error), { cause: error });
  }
}

async function writeHandle(handle: FileSystemFileHandle, bytes: Uint8Array, name: string): Promise<void> {
  let writable: FileSystemWritableFileStream | undefined;
  try {
    writable = await handle.createWritable();
    await writable.write(bytes as unknown as ArrayBuffer);
    await writable.close();
  } catch (error) {
    await writable?.abort().catch(() => undefined);
    throw new FileWriteError(name, describeFileError(error), { cause: error });
  }
}

async function readHandle(handle: FileSystemFileHandle, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await (await handle.getFile()).arrayBuffer());
  } catch (error) {
    throw new FileReadError(name, describeFileError(error), { cause: error });
  }
}
