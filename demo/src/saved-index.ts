/**
 * What "Save index" keeps (in OPFS, or IndexedDB where OPFS is missing): the corpus, the
 * fitted embedder and the index bytes, plus a manifest that ties them together. The next
 * visit loads all three and searches without a rebuild.
 */
import type { DemoCorpus } from './corpus';
import { parseCorpusJson } from './corpus';
import type { BuildSettings } from './engine-protocol';
import type { BlobStore } from './storage';

export interface SavedManifest {
  format: 'opticspace-demo';
  /** 2: the index holds the documents' BM25 terms (saves of version 1 have none and are rebuilt). */
  version: 2;
  savedAt: string;
  corpusName: string;
  documents: number;
  settings: BuildSettings;
  bytes: { corpus: number; embedder: number; index: number };
}

export interface SavedIndex {
  manifest: SavedManifest;
  corpus: DemoCorpus;
  embedder: Uint8Array;
  index: Uint8Array;
}

const FILES = { manifest: 'manifest.json', corpus: 'corpus.json', embedder: 'embedder.osemb', index: 'index.opsidx' } as const;

export async function saveIndex(store: BlobStore, corpus: DemoCorpus, settings: BuildSettings, embedder: Uint8Array, index: Uint8Array): Promise<SavedManifest> {
  // The corpus's shipped embedding is not saved: the saved embedder and index replace it.
  const corpusBytes = new TextEncoder().encode(JSON.stringify({ ...corpus, embedding: undefined }));
  const manifest: SavedManifest = {
    format: 'opticspace-demo',
    version: 2,
    savedAt: new Date().toISOString(),
    corpusName: corpus.name,
    documents: corpus.documents.length,
    settings,
    bytes: { corpus: corpusBytes.byteLength, embedder: embedder.byteLength, index: index.byteLength },
  };
  // The manifest goes last and is removed first, so a half-written save is never loaded.
  await store.remove(FILES.manifest);
  await store.write(FILES.corpus, corpusBytes);
  await store.write(FILES.embedder, embedder);
  await store.write(FILES.index, index);
  await store.write(FILES.manifest, new TextEncoder().encode(JSON.stringify(manifest)));
  return manifest;
}

/** The saved index, or null when there is none (or it is incomplete: then it is ignored). */
export async function readSavedIndex(store: BlobStore): Promise<SavedIndex | null> {
  const manifestBytes = await store.read(FILES.manifest);
  if (!manifestBytes) return null;
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as SavedManifest;
  if (manifest.format !== 'opticspace-demo' || manifest.version !== 2) return null;
  const [corpusBytes, embedder, index] = await Promise.all([store.read(FILES.corpus), store.read(FILES.embedder), store.read(FILES.index)]);
  if (!corpusBytes || !embedder || !index) return null;
  if (corpusBytes.byteLength !== manifest.bytes.corpus || embedder.byteLength !== manifest.bytes.embedder || index.byteLength !== manifest.bytes.index) {
    return null;
  }
  const corpus = parseCorpusJson(new TextDecoder().decode(corpusBytes), 'saved corpus');
  return { manifest, corpus, embedder, index };
}

/** Whether anything is saved (even a save that can no longer be loaded: it can still be forgotten). */
export async function hasSavedIndex(store: BlobStore): Promise<boolean> {
  const names = Object.values(FILES);
  return (await Promise.all(names.map((name) => store.read(name)))).some((bytes) => bytes !== null);
}

export async function forgetSavedIndex(store: BlobStore): Promise<void> {
  await store.remove(FILES.manifest);
  await Promise.all([store.remove(FILES.corpus), store.remove(FILES.embedder), store.remove(FILES.index)]);
}
