/**
 * The saved form of a fitted embedder, stored with an index so that `search` embeds query text
 * exactly as the corpus was embedded. A self-contained byte string (little-endian):
 *   bytes 0-7    magic "OSEMB002"
 *   bytes 8-11   u32 header length H
 *   bytes 12-15  u32 CRC-32 of every byte from 16 to the end
 *   next H       UTF-8 JSON { "header": EmbedderState.header, "arrays": [length of each array] }
 *   padding      zero bytes up to a multiple of 4
 *   rest         the f32 arrays back to back
 * The header's `kind` picks the class: 'lexical' (vocabulary, IDF; projection), 'sif' (pruned
 * word table: words, counts; vectors, principal components), 'transformers' (model name and
 * settings, no arrays), 'concat' (the parts' headers; their arrays in order).
 * Files of the first format ("OSEMB001": lexical only, no checksum) are still read.
 */
import { OpticspaceError } from '@opticspace/gpu';
import { crc32 } from '@opticspace/index';
import { EmbedderStateError } from '../errors';
import { ConcatenatedEmbedder } from './concatenated-embedder';
import type { EmbedderState, SerializableEmbedder } from './embedder';
import { LexicalEmbedder } from './lexical-embedder';
import { SifEmbedder } from './sif-embedder';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder';

const MAGIC = 'OSEMB002';
const MAGIC_V1 = 'OSEMB001';
const PREFIX = 16;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface DecodeEmbedderOptions {
  /** Settings a saved transformers embedder does not fix: device, the module (browser), progress. */
  transformers?: Partial<TransformersEmbedderOptions>;
}

export function encodeEmbedder(embedder: SerializableEmbedder): Uint8Array {
  const { header, arrays } = embedder.exportState();
  const json = new TextEncoder().encode(JSON.stringify({ header, arrays: arrays.map((array) => array.length) }));
  const dataOffset = Math.ceil((PREFIX + json.length) / 4) * 4;
  const out = new Uint8Array(dataOffset + arrays.reduce((sum, array) => sum + array.byteLength, 0));
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, json.length, true);
  out.set(json, PREFIX);
  let offset = dataOffset;
  for (const array of arrays) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
    else array.forEach((value, index) => view.setFloat32(offset + index * 4, value, true));
    offset += array.byteLength;
  }
  view.setUint32(12, crc32(out.subarray(PREFIX)), true);
  return out;
}

/** Reads any saved embedder; throws EmbedderStateError naming `source` on a bad file. */
export function decodeEmbedder(bytes: Uint8Array, source = 'embedder file', options: DecodeEmbedderOptions = {}): SerializableEmbedder {
  const state = decodeEmbedderState(bytes, source);
  try {
    return embedderFromState(state, options);
  } catch (error) {
    // A header with the right checksum but values a constructor rejects (InvalidInputError, ...).
    if (error instanceof OpticspaceError) throw new EmbedderStateError(`${source}: ${error.message}`, { cause: error });
    throw error;
  }
}

export function embedderFromState(state: EmbedderState, options: DecodeEmbedderOptions = {}): SerializableEmbedder {
  const { kind, version } = state.header;
  if (version !== 1) throw new EmbedderStateError(`unsupported ${kind} embedder version ${version} (this build reads version 1)`);
  switch (kind) {
    case 'lexical':
      return LexicalEmbedder.fromState(state);
    case 'sif':
      return SifEmbedder.fromState(state);
    case 'transformers':
      return TransformersEmbedder.fromState(state, options.transformers);
    case 'concat': {
      const { states, weights } = ConcatenatedEmbedder.partStates(state);
      return new ConcatenatedEmbedder(
        states.map((part) => embedderFromState(part, options)),
        weights,
      );
    }
    default:
      throw new EmbedderStateError(`unknown embedder kind ${JSON.stringify(kind)} (known: lexical, sif, transformers, concat)`);
  }
}

function decodeEmbedderState(bytes: Uint8Array, source: string): EmbedderState {
  const magic = bytes.length >= 8 ? new TextDecoder().decode(bytes.subarray(0, 8)) : '';
  if (magic === MAGIC_V1) return decodeVersion1(bytes, source);
  if (bytes.length < PREFIX || magic !== MAGIC) {
    throw new EmbedderStateError(`${source}: not an opticspace embedder file (expected magic "${MAGIC}", ${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  const stored = view.getUint32(12, true);
  const computed = crc32(bytes.subarray(PREFIX));
  if (stored !== computed) {
    throw new EmbedderStateError(`${source}: checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)}): the file is truncated or corrupted`);
  }
  if (PREFIX + headerLength > bytes.length) {
    throw new EmbedderStateError(`${source}: header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  let parsed: { header?: EmbedderState['header']; arrays?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerLength)));
  } catch (error) {
    throw new EmbedderStateError(`${source}: header is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const lengths = parsed.arrays;
  if (!parsed.header || typeof parsed.header.kind !== 'string' || !Array.isArray(lengths) || !lengths.every((length) => Number.isInteger(length) && length >= 0)) {
    throw new EmbedderStateError(`${source}: header must hold { header: { kind, version, ... }, arrays: [lengths] }`);
  }
  let offset = Math.ceil((PREFIX + headerLength) / 4) * 4;
  const expected = offset + 4 * (lengths as number[]).reduce((sum, length) => sum + length, 0);
  if (expected !== bytes.length) throw new EmbedderStateError(`${source}: the header describes ${expected} bytes, the file has ${bytes.length}`);
  const arrays = (lengths as number[]).map((length) => {
    const array = readFloats(bytes, offset, length);
    offset += length * 4;
    return array;
  });
  return { header: parsed.header, arrays };
}

/** "OSEMB001": magic, u32 header length, JSON LexicalEmbedderHeader (format/version 1), padding, f32 projection. */
function decodeVersion1(bytes: Uint8Array, source: string): EmbedderState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = bytes.length >= 12 ? view.getUint32(8, true) : Infinity;
  if (12 + headerLength > bytes.length) throw new EmbedderStateError(`${source}: header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  let header: { format?: string; version?: number; terms?: unknown[]; dims?: number };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch (error) {
    throw new EmbedderStateError(`${source}: header is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (header.format !== 'opticspace-lexical-embedder' || header.version !== 1 || !Array.isArray(header.terms)) {
    throw new EmbedderStateError(`${source}: unsupported format ${JSON.stringify(header.format)} version ${header.version}`);
  }
  const dataOffset = Math.ceil((12 + headerLength) / 4) * 4;
  const expected = header.terms.length * (header.dims ?? 0) * 4;
  if (bytes.length - dataOffset !== expected) throw new EmbedderStateError(`${source}: expected ${expected} bytes of projection, found ${bytes.length - dataOffset}`);
  const { format: _format, ...rest } = header;
  return { header: { ...rest, kind: 'lexical', version: 1 }, arrays: [readFloats(bytes, dataOffset, expected / 4)] };
}

function readFloats(bytes: Uint8Array, offset: number, length: number): Float32Array {
  const out = new Float32Array(length);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + length * 4));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let index = 0; index < length; index++) out[index] = view.getFloat32(offset + index * 4, true);
  }
  return out;
}

const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;

/** The lexical embedder's bytes (kept for callers that only know LexicalEmbedder, e.g. the demo). */
export function encodeLexicalEmbedder(embedder: LexicalEmbedder): Uint8Array {
  return encodeEmbedder(embedder);
}

export function decodeLexicalEmbedder(bytes: Uint8Array, source = 'embedder file'): LexicalEmbedder {
  const embedder = decodeEmbedder(bytes, source);
  if (!(embedder instanceof LexicalEmbedder)) throw new EmbedderStateError(`${source}: holds a ${embedder.name} embedder, not a lexical one`);
  return embedder;
}
