/**
 * What `opticspace build --out INDEX` writes and `opticspace search INDEX` reads: one file, a
 * container (@opticspace/index writeSections) of kind 'opticspace-cli-index' with three sections:
 *   index     the energy index (@opticspace/index format, EnergyIndex.toBytes)
 *   embedder  the fitted embedder (lexical: vocabulary, IDF, projection; sif: the pruned word
 *             table; transformers: the model's name and settings; format in
 *             packages/eval/src/embedder/embedder-file.ts, magic "OSEMB002", CRC-32)
 *   documents one JSON line per indexed row, in row order: {"_id","title","snippet"}
 * Each section carries its CRC32 and the file is published by one rename, so a search never
 * sees an index from one build beside documents from another, and a killed or failed build
 * leaves the previous file as it was. Files of the older three-file layout are refused with a
 * typed error asking for a rebuild.
 */
import { rm } from 'node:fs/promises';
import { decodeEmbedder, encodeEmbedder, type SerializableEmbedder } from '@opticspace/eval';
import { OpticspaceError } from '@opticspace/gpu';
import { EnergyIndex, isContainer, MAGIC as INDEX_MAGIC, readSections, writeSections, type BackendChoice } from '@opticspace/index';
import { readInput, writeOutput } from './files';

export const BUNDLE_KIND = 'opticspace-cli-index';

export interface IndexedDocument {
  id: string;
  title: string;
  snippet: string;
}

export class SavedIndexError extends OpticspaceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SAVED_INDEX', message, options);
  }
}

/** An INDEX file of the older layout (index + INDEX.embedder + INDEX.docs.jsonl, without checksums on the side files). */
export class OutdatedBundleError extends OpticspaceError {
  constructor(path: string) {
    super('SAVED_INDEX_OUTDATED', `${path} is an index of the older three-file layout (with .embedder and .docs.jsonl beside it); rebuild it with 'opticspace build --out ${path}'`);
  }
}

/** The old layout's side files: removed once a bundle replaces them, so that nothing stale stays beside it. */
const legacySideFiles = (indexPath: string): string[] => [`${indexPath}.embedder`, `${indexPath}.docs.jsonl`];

export function encodeIndexBundle(index: EnergyIndex, embedder: SerializableEmbedder, documents: readonly IndexedDocument[]): Uint8Array {
  const lines = documents.map((document) => JSON.stringify({ _id: document.id, title: document.title, snippet: document.snippet })).join('\n') + '\n';
  return writeSections(BUNDLE_KIND, [
    { name: 'index', bytes: index.toBytes() },
    { name: 'embedder', bytes: encodeEmbedder(embedder) },
    { name: 'documents', bytes: new TextEncoder().encode(lines) },
  ]);
}

export async function saveIndexBundle(indexPath: string, index: EnergyIndex, embedder: SerializableEmbedder, documents: readonly IndexedDocument[]): Promise<void> {
  await writeOutput(indexPath, encodeIndexBundle(index, embedder, documents));
  await Promise.all(legacySideFiles(indexPath).map((path) => rm(path, { force: true }).catch(() => undefined)));
}

export interface LoadedBundle {
  index: EnergyIndex;
  embedder: SerializableEmbedder;
  documents: IndexedDocument[];
}

export async function loadIndexBundle(indexPath: string, backend: BackendChoice): Promise<LoadedBundle> {
  return decodeIndexBundle(await readInput(indexPath, 'INDEX'), indexPath, backend);
}

/** Verifies and decodes a bundle's bytes; `indexPath` names it in errors. */
export async function decodeIndexBundle(bytes: Uint8Array, indexPath: string, backend: BackendChoice): Promise<LoadedBundle> {
  if (!isContainer(bytes) && String.fromCharCode(...bytes.subarray(0, 8)) === INDEX_MAGIC) throw new OutdatedBundleError(indexPath);
  const bundle = readSections(bytes, { kind: BUNDLE_KIND, source: indexPath });
  const embedder = decodeEmbedder(bundle.get('embedder'), `${indexPath} (embedder)`);
  const documents = parseDocuments(new TextDecoder().decode(bundle.get('documents')), indexPath);
  const index = await EnergyIndex.fromBytes(bundle.get('index'), { backend });
  if (index.size !== documents.length) {
    index.dispose();
    throw new SavedIndexError(`${indexPath} has ${index.size} items but lists ${documents.length} documents`);
  }
  if (index.dimension !== embedder.dims) {
    index.dispose();
    throw new SavedIndexError(`${indexPath} expects ${index.dimension}-dimensional queries but its embedder makes ${embedder.dims}`);
  }
  return { index, embedder, documents };
}

function parseDocuments(text: string, indexPath: string): IndexedDocument[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.map((line, row) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new SavedIndexError(`${indexPath}: document ${row} is not valid JSON`, { cause: error });
    }
    const { _id: id, title = '', snippet = '' } = (record ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof title !== 'string' || typeof snippet !== 'string') {
      throw new SavedIndexError(`${indexPath}: document ${row} lacks a string _id, title or snippet`);
    }
    return { id, title, snippet };
  });
}
