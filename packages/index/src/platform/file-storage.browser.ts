/** `#file-storage` outside Node (see storage.ts): file paths are Node's; browsers use OPFS or handles. */
import { FileReadError, FileWriteError } from '../errors';

const NODE_ONLY = 'file paths are read and written in Node only: in a browser, pass an OPFS file name or a FileSystemFileHandle';

export async function readNodeFile(path: string): Promise<Uint8Array> {
  throw new FileReadError(path, NODE_ONLY);
}

export async function writeNodeFile(path: string, _bytes: Uint8Array): Promise<void> {
  throw new FileWriteError(path, NODE_ONLY);
}

export async function checkWritable(path: string): Promise<void> {
  throw new FileWriteError(path, NODE_ONLY);
}
