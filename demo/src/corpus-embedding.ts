/**
 * The CVE corpus's embedding, fitted once at build time (scripts/build-demo-corpus.ts, in Node)
 * and shipped beside the corpus as public/cve-corpus.embedding.bin, so that the page only builds
 * the index: the lexical embedder (TF-IDF + LSA) and the documents' vectors. A corpus the user
 * drops in is fitted in the tab (the same embedder: demoEmbedder).
 *
 * The file is an opticspace container (@opticspace/index writeSections: every section with its
 * CRC32) of kind 'opticspace-demo-embedding':
 *   header      JSON { version, documents, dims, textsCrc32, embedder: the embedder's state header (vocabulary, IDF, settings) }
 *   projection  the embedder's [terms x dims] projection, f16
 *   vectors     the documents' [documents x dims] vectors, f16
 * The projection is rounded to f16 before the documents are embedded, so the embedder the tab
 * decodes is exactly the one that embedded them (queries and documents share it); only the
 * stored vectors carry a second f16 rounding (relative error below 1e-3).
 */
import { crc32, fromFloat16Array, InvalidInputError, roundToFloat16, toFloat16Array } from '@opticspace/gpu';
import { readSections, writeSections } from '@opticspace/index';
import { embedderFromState, LexicalEmbedder } from '@opticspace/eval';
import { EMBEDDING } from './embedding-settings';

export { EMBEDDING };

const KIND = 'opticspace-demo-embedding';
const VERSION = 1;

export interface CorpusEmbedding {
  embedder: LexicalEmbedder;
  /** [documents x dims], row-major. */
  vectors: Float32Array;
}

interface EmbeddingHeader {
  version: number;
  documents: number;
  dims: number;
  /** CRC32 of the embedded texts (joined by NUL): ties the file to its corpus. */
  textsCrc32: number;
  embedder: Record<string, unknown> & { kind: string; version: number };
}

/** The texts' fingerprint, to tell whether an embedding file belongs to a corpus. */
export function textsChecksum(texts: readonly string[]): number {
  return crc32(new TextEncoder().encode(texts.join('\u0000')));
}

/** The demo's (unfitted) lexical embedder for a corpus of `documents` texts: LSA needs fewer dimensions than documents. */
export function demoEmbedder(documents: number): LexicalEmbedder {
  return new LexicalEmbedder({ dims: Math.min(EMBEDDING.dims, Math.max(2, documents - 1)), seed: EMBEDDING.seed });
}

/** Rounds a fitted embedder's projection to f16 and embeds the texts with it: what the file stores. */
function roundedEmbedding(fitted: LexicalEmbedder, texts: readonly string[]): CorpusEmbedding {
  const { header, arrays } = fitted.exportState();
  const embedder = embedderFromState({ header, arrays: [roundToFloat16(arrays[0])] }) as LexicalEmbedder;
  return { embedder, vectors: embedder.embedDocuments(texts) };
}

/** Fits, rounds and encodes the embedding of `texts` (Node, at build time). */
export function encodeCorpusEmbedding(texts: readonly string[]): Uint8Array {
  const fitted = demoEmbedder(texts.length);
  fitted.fit(texts);
  const { embedder, vectors } = roundedEmbedding(fitted, texts);
  const state = embedder.exportState();
  const header: EmbeddingHeader = {
    version: VERSION,
    documents: texts.length,
    dims: embedder.dims,
    textsCrc32: textsChecksum(texts),
    embedder: state.header as EmbeddingHeader['embedder'],
  };
  const half = (values: Float32Array) => new Uint8Array(toFloat16Array(values).buffer);
  return writeSections(KIND, [
    { name: 'header', bytes: new TextEncoder().encode(JSON.stringify(header)) },
    { name: 'projection', bytes: half(state.arrays[0]) },
    { name: 'vectors', bytes: half(vectors) },
  ]);
}

/**
 * Decodes an embedding file for `texts`, or returns null (with the reason) when it belongs to
 * another corpus or another embedding setting: the caller then fits one. A corrupted file raises
 * the container's or the embedder's typed error.
 */
export function decodeCorpusEmbedding(
  bytes: Uint8Array,
  texts: readonly string[],
  source = 'corpus embedding',
): { embedding: CorpusEmbedding; mismatch?: undefined } | { embedding?: undefined; mismatch: string } {
  const sections = readSections(bytes, { kind: KIND, source });
  const header = JSON.parse(new TextDecoder().decode(sections.get('header'))) as EmbeddingHeader;
  if (header.version !== VERSION) return { mismatch: `${source} has version ${header.version}, this page reads ${VERSION}` };
  if (header.documents !== texts.length || header.textsCrc32 !== textsChecksum(texts)) {
    return { mismatch: `${source} was made for another corpus (${header.documents} documents)` };
  }
  if (header.dims !== EMBEDDING.dims) return { mismatch: `${source} has ${header.dims} dimensions, the page uses ${EMBEDDING.dims}` };
  const floats = (name: string, length: number): Float32Array => {
    const section = sections.get(name);
    if (section.byteLength !== length * 2) throw new InvalidInputError(`${source}: section '${name}' has ${section.byteLength} bytes, expected ${length * 2}`);
    // Sections are 8-byte aligned in the file: a view, no copy (copied when the buffer is not aligned).
    const aligned = section.byteOffset % 2 === 0 ? section : section.slice();
    return fromFloat16Array(new Uint16Array(aligned.buffer, aligned.byteOffset, length));
  };
  const terms = (header.embedder.terms as unknown[] | undefined)?.length ?? 0;
  const embedder = embedderFromState({ header: header.embedder, arrays: [floats('projection', terms * header.dims)] });
  if (!(embedder instanceof LexicalEmbedder)) throw new InvalidInputError(`${source}: holds a ${embedder.name} embedder, the page expects the lexical one`);
  return { embedding: { embedder, vectors: floats('vectors', texts.length * header.dims) } };
}
