/**
 * What `opticspace build` writes and `opticspace search` reads, for an index path INDEX:
 *   INDEX            the energy index (@opticspace/index format, EnergyIndex.save)
 *   INDEX.embedder   the fitted embedder (lexical: vocabulary, IDF, projection; sif: the pruned
 *                    word table; transformers: the model's name and settings; format in
 *                    packages/eval/src/embedder/embedder-file.ts, magic "OSEMB002", CRC-32)
 *   INDEX.docs.jsonl one line per indexed row, in row order: {"_id","title","snippet"}
 */
import { readFile, writeFile } from 'node:fs/promises';
import { decodeEmbedder, encodeEmbedder, type SerializableEmbedder } from '@opticspace/eval';
import { EnergyIndex, type BackendChoice } from '@opticspace/index';
import { OpticspaceError } from '@opticspace/gpu';

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

export const embedderPath = (indexPath: string): string => `${indexPath}.embedder`;
export const documentsPath = (indexPath: string): string => `${indexPath}.docs.jsonl`;

export async function saveIndexBundle(indexPath: string, index: EnergyIndex, embedder: SerializableEmbedder, documents: readonly IndexedDocument[]): Promise<void> {
  await index.save(indexPath);
  await writeFile(embedderPath(indexPath), encodeEmbedder(embedder));
  await writeFile(documentsPath(indexPath), documents.map((document) => JSON.stringify({ _id: document.id, title: document.title, snippet: document.snippet })).join('\n') + '\n');
}

async function readSidecar(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SavedIndexError(`${what} ${path} ${code === 'ENOENT' ? 'not found (was the index written by `opticspace build`?)' : `cannot be read (${code})`}`, { cause: error });
  }
}

export async function loadIndexBundle(indexPath: string, backend: BackendChoice): Promise<{ index: EnergyIndex; embedder: SerializableEmbedder; documents: IndexedDocument[] }> {
  const indexBytes = new Uint8Array(await readSidecar(indexPath, 'index'));
  const embedder = decodeEmbedder(new Uint8Array(await readSidecar(embedderPath(indexPath), 'embedder')), embedderPath(indexPath));
  const lines = (await readSidecar(documentsPath(indexPath), 'document list')).toString('utf8').split('\n').filter((line) => line.trim() !== '');
  const documents = lines.map((line, index) => {
    try {
      const record = JSON.parse(line) as { _id: string; title?: string; snippet?: string };
      return { id: String(record._id), title: record.title ?? '', snippet: record.snippet ?? '' };
    } catch (error) {
      throw new SavedIndexError(`${documentsPath(indexPath)}:${index + 1}: invalid JSON`, { cause: error });
    }
  });
  const index = await EnergyIndex.load(indexBytes, { backend });
  if (index.size !== documents.length) {
    index.dispose();
    throw new SavedIndexError(`${indexPath} has ${index.size} items but ${documentsPath(indexPath)} lists ${documents.length} documents`);
  }
  if (index.dimension !== embedder.dims) {
    index.dispose();
    throw new SavedIndexError(`${indexPath} expects ${index.dimension}-dimensional queries but the embedder makes ${embedder.dims}`);
  }
  return { index, embedder, documents };
}
