/**
 * Where saved indexes (and any other opticspace file) live: a file path in Node, or in the
 * browser a FileSystemFileHandle (its writable stream commits on close) or a name in the origin
 * private file system (OPFS).
 *
 * Node paths go to `#file-storage`, a subpath import (package.json `imports`) that is
 * platform/file-storage.node.ts under the `node` condition (atomic saves: temporary file, flush,
 * rename; one save per path at a time) and a stub elsewhere, so browser bundles never see a
 * Node built-in. Failures raise FileWriteError / FileReadError naming the caller's path.
 */
import { isNode } from '@opticspace/gpu';
import { describeFileError, FileReadError, FileWriteError, InvalidParameterError } from './errors';

export { setSaveHooks } from './save-hooks';
export type { SaveStep, SaveHooks } from './save-hooks';

export type SaveTarget = string | FileSystemFileHandle;
export type LoadSource = string | FileSystemFileHandle | Uint8Array | ArrayBuffer;

/** The Node file functions, loaded on first use (Node only). */
function nodeFiles(): Promise<typeof import('#file-storage')> {
  return import('#file-storage');
}

export async function writeTarget(target: SaveTarget, bytes: Uint8Array): Promise<void> {
  if (typeof target === 'string') {
    if (isNode()) return (await nodeFiles()).writeNodeFile(target, bytes);
    return writeHandle(await opfsFile(target, true), bytes, target);
  }
  if (target && typeof (target as FileSystemFileHandle).createWritable === 'function') return writeHandle(target, bytes, target.name);
  throw new InvalidParameterError('save target', 'a file path (Node), an OPFS file name or a FileSystemFileHandle', typeof target);
}

export async function readSource(source: LoadSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source === 'string') {
    if (isNode()) return (await nodeFiles()).readNodeFile(source);
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
  return (await nodeFiles()).checkWritable(path);
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
