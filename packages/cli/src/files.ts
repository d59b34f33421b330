/**
 * File access of the commands: inputs read with typed errors naming the user's path, outputs
 * checked before any long work starts (so a typo in --out fails in a second, not after a build
 * or a forward pass) and written atomically (temporary file + rename, see @opticspace/index).
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkWritable, describeFileError, FileReadError, FileWriteError, readSource, writeTarget } from '@opticspace/index';

/** The bytes of an input file; FileReadError (missing, a directory, unreadable) names `path` and the option. */
export async function readInput(path: string, option: string): Promise<Uint8Array> {
  try {
    return await readSource(path);
  } catch (error) {
    if (error instanceof FileReadError) throw new FileReadError(path, `${error.reason}, given as ${option}`, { cause: error });
    throw error;
  }
}

export async function readTextInput(path: string, option: string): Promise<string> {
  return new TextDecoder().decode(await readInput(path, option));
}

/** Checks that a file can be written at `path` (its folder exists and takes files, it is not a folder). */
export { checkWritable as checkOutputFile };

/** Creates the output folder `path` (with its parents) and checks that it takes files. */
export async function prepareOutputDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    const existing = await stat(path).catch(() => null);
    const reason = existing && !existing.isDirectory() ? 'it is a file, not a directory' : describeFileError(error);
    throw new FileWriteError(path, reason, { cause: error });
  }
  await checkWritable(join(path, '.opticspace-write-check'));
}

/** Writes a whole output file atomically. */
export async function writeOutput(path: string, content: Uint8Array | string): Promise<void> {
  await writeTarget(path, typeof content === 'string' ? new TextEncoder().encode(content) : content);
}
