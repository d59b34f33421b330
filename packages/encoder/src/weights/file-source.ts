import { InvalidInputError } from '@opticspace/gpu';
import { checkRange, type WeightSource } from './source';

type FileHandle = import('node:fs/promises').FileHandle;

/** A local file in Node, read by positioned reads on one file handle (never loaded whole). */
export class FileWeightSource implements WeightSource {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<FileWeightSource> {
    // `#node-fs` is Node's fs/promises in Node and a stub elsewhere (package.json `imports`), so
    // browser bundles never see a Node built-in.
    const fs = await import('#node-fs');
    let handle: FileHandle | undefined;
    try {
      handle = await fs.open(path, 'r');
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error('it is not a regular file (a directory?)');
      return new FileWeightSource(handle, stat.size, path);
    } catch (error) {
      await handle?.close();
      throw new InvalidInputError(`cannot open weights file '${path}': ${(error as Error).message}`);
    }
  }

  async readRange(begin: number, end: number): Promise<Uint8Array> {
    checkRange(begin, end, this.size);
    const out = new Uint8Array(end - begin);
    let filled = 0;
    while (filled < out.byteLength) {
      const { bytesRead } = await this.handle.read(out, filled, out.byteLength - filled, begin + filled).catch((error: Error) => {
        throw new InvalidInputError(`reading '${this.path}' failed at byte ${begin + filled}: ${error.message}`);
      });
      if (bytesRead === 0) {
        throw new InvalidInputError(`'${this.path}' ended at byte ${begin + filled} while reading [${begin}, ${end})`);
      }
      filled += bytesRead;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
