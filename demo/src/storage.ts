/**
 * A small named-blob store for the saved index: the Origin Private File System when the
 * browser has it (a directory of files), IndexedDB otherwise (one object store).
 */
export interface BlobStore {
  readonly kind: 'OPFS' | 'IndexedDB';
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** null when nothing is stored under `name`. */
  read(name: string): Promise<Uint8Array | null>;
  remove(name: string): Promise<void>;
}

const DIRECTORY = 'opticspace-demo';
const DATABASE = 'opticspace-demo';
const OBJECT_STORE = 'files';

class OpfsStore implements BlobStore {
  readonly kind = 'OPFS' as const;
  constructor(private readonly directory: FileSystemDirectoryHandle) {}

  async write(name: string, bytes: Uint8Array): Promise<void> {
    const handle = await this.directory.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  }

  async read(name: string): Promise<Uint8Array | null> {
    try {
      const handle = await this.directory.getFileHandle(name);
      return new Uint8Array(await (await handle.getFile()).arrayBuffer());
    } catch (error) {
      if ((error as DOMException).name === 'NotFoundError') return null;
      throw error;
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.directory.removeEntry(name);
    } catch (error) {
      if ((error as DOMException).name !== 'NotFoundError') throw error;
    }
  }
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

class IndexedDbStore implements BlobStore {
  readonly kind = 'IndexedDB' as const;
  constructor(private readonly database: IDBDatabase) {}

  private objects(mode: IDBTransactionMode): IDBObjectStore {
    return this.database.transaction(OBJECT_STORE, mode).objectStore(OBJECT_STORE);
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    await request(this.objects('readwrite').put(bytes, name));
  }

  async read(name: string): Promise<Uint8Array | null> {
    const value = (await request(this.objects('readonly').get(name))) as Uint8Array | undefined;
    return value ?? null;
  }

  async remove(name: string): Promise<void> {
    await request(this.objects('readwrite').delete(name));
  }
}

async function openIndexedDb(): Promise<IndexedDbStore> {
  const open = indexedDB.open(DATABASE, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(OBJECT_STORE);
  return new IndexedDbStore(await request(open));
}

/** OPFS when available (and writable from this thread), IndexedDB otherwise. */
export async function openBlobStore(options: { preferIndexedDb?: boolean } = {}): Promise<BlobStore> {
  if (!options.preferIndexedDb && typeof navigator.storage?.getDirectory === 'function') {
    try {
      const root = await navigator.storage.getDirectory();
      const directory = await root.getDirectoryHandle(DIRECTORY, { create: true });
      const probe = await directory.getFileHandle('.probe', { create: true });
      // createWritable is what Safari lacks on the main thread; without it, use IndexedDB.
      if (typeof (probe as FileSystemFileHandle & { createWritable?: unknown }).createWritable === 'function') {
        return new OpfsStore(directory);
      }
    } catch {
      // Private windows and some embedders refuse OPFS: fall through to IndexedDB.
    }
  }
  return openIndexedDb();
}
