/**
 * Where saved indexes live: a file path in Node (written to a temporary file in the same folder
 * and renamed over the target, so a crash never leaves a half-written file in place of a good
 * one), or in the browser a FileSystemFileHandle (its writable stream commits on close) or a name
 * in the origin private file system (OPFS).
 */
import { isNode } from '@opticspace/gpu';
import { InvalidParameterError } from './errors';

export type SaveTarget = string | FileSystemFileHandle;
export type LoadSource = string | FileSystemFileHandle | Uint8Array | ArrayBuffer;

export async function writeTarget(target: SaveTarget, bytes: Uint8Array): Promise<void> {
  if (typeof target === 'string') {
    if (isNode()) return writeNodeFile(target, bytes);
    return writeHandle(await opfsFile(target, true), bytes);
  }
  if (target && typeof (target as FileSystemFileHandle).createWritable === 'function') return writeHandle(target, bytes);
  throw new InvalidParameterError('save target', 'a file path (Node), an OPFS file name or a FileSystemFileHandle', typeof target);
}

export async function readSource(source: LoadSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source === 'string') {
    if (isNode()) {
      const { readFile } = await nodeFs();
      return new Uint8Array(await readFile(source));
    }
    return readHandle(await opfsFile(source, false));
  }
  if (source && typeof (source as FileSystemFileHandle).getFile === 'function') return readHandle(source);
  throw new InvalidParameterError('load source', 'a file path, an OPFS name, a FileSystemFileHandle, a Uint8Array or an ArrayBuffer', typeof source);
}

/** node:fs/promises, named through a variable so browser bundlers never resolve it. */
function nodeFs(): Promise<typeof import('node:fs/promises')> {
  const name = 'node:fs/promises';
  return import(/* @vite-ignore */ name);
}

async function writeNodeFile(path: string, bytes: Uint8Array): Promise<void> {
  const { writeFile, rename, rm } = await nodeFs();
  const temporary = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    await writeFile(temporary, bytes, { flush: true } as Parameters<typeof writeFile>[2]);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function opfsFile(name: string, create: boolean): Promise<FileSystemFileHandle> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.getDirectory) throw new InvalidParameterError('target', 'a FileSystemFileHandle (this browser has no OPFS)', name);
  const root = await storage.getDirectory();
  return root.getFileHandle(name, { create });
}

async function writeHandle(handle: FileSystemFileHandle, bytes: Uint8Array): Promise<void> {
  const writable = await handle.createWritable();
  try {
    await writable.write(bytes as unknown as ArrayBuffer);
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    throw error;
  }
}

async function readHandle(handle: FileSystemFileHandle): Promise<Uint8Array> {
  return new Uint8Array(await (await handle.getFile()).arrayBuffer());
}
