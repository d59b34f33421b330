/**
 * The saved form of a fitted LexicalEmbedder, stored beside an index so that `search` embeds
 * query text exactly as the corpus was embedded. Layout (little-endian):
 *   bytes 0-7   magic "OSEMB001"
 *   bytes 8-11  u32 header length H
 *   next H      UTF-8 JSON header (LexicalEmbedderHeader: options, terms, idf)
 *   padding     zero bytes up to a multiple of 4
 *   rest        f32 projection [terms, dims], row-major
 */
import { EmbedderStateError } from '../errors';
import { LexicalEmbedder, type LexicalEmbedderHeader } from './lexical-embedder';

const MAGIC = 'OSEMB001';

export function encodeLexicalEmbedder(embedder: LexicalEmbedder): Uint8Array {
  const { header, projection } = embedder.exportState();
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataOffset = Math.ceil((12 + headerBytes.length) / 4) * 4;
  const out = new Uint8Array(dataOffset + projection.byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  out.set(new Uint8Array(projection.buffer, projection.byteOffset, projection.byteLength), dataOffset);
  return out;
}

export function decodeLexicalEmbedder(bytes: Uint8Array, source = 'embedder file'): LexicalEmbedder {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new EmbedderStateError(`${source}: not an opticspace embedder file (expected magic "${MAGIC}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) {
    throw new EmbedderStateError(`${source}: header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  let header: LexicalEmbedderHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as LexicalEmbedderHeader;
  } catch (error) {
    throw new EmbedderStateError(`${source}: header is not valid JSON (${(error as Error).message})`);
  }
  if (header?.format !== 'opticspace-lexical-embedder' || header.version !== 1) {
    throw new EmbedderStateError(`${source}: unsupported format ${JSON.stringify(header?.format)} version ${header?.version}`);
  }
  if (!Array.isArray(header.terms) || !header.terms.every((term) => typeof term === 'string') || !Array.isArray(header.idf) || !Number.isSafeInteger(header.dims) || header.dims < 1) {
    throw new EmbedderStateError(`${source}: the header lacks its terms, IDF values or dimension`);
  }
  const badIdf = header.idf.findIndex((value) => !Number.isFinite(value));
  if (badIdf >= 0 || !Number.isFinite(header.averageLength)) {
    throw new EmbedderStateError(`${source}: ${badIdf >= 0 ? `the IDF of term ${badIdf} is ${header.idf[badIdf]}` : `the average length is ${header.averageLength}`}; only finite numbers are valid`);
  }
  const dataOffset = Math.ceil((12 + headerLength) / 4) * 4;
  const expected = header.terms.length * header.dims * 4;
  if (bytes.length - dataOffset !== expected) {
    throw new EmbedderStateError(`${source}: expected ${expected} bytes of projection, found ${bytes.length - dataOffset}`);
  }
  const projection = new Float32Array(expected / 4);
  new Uint8Array(projection.buffer).set(bytes.subarray(dataOffset));
  const bad = projection.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new EmbedderStateError(`${source}: projection row ${Math.floor(bad / header.dims)} (term '${header.terms[Math.floor(bad / header.dims)]}'), column ${bad % header.dims} is ${projection[bad]}; only finite numbers are valid`);
  }
  return LexicalEmbedder.fromState(header, projection);
}
