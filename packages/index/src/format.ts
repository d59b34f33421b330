/**
 * The saved-index byte format (little endian):
 *   magic "OPSPIDX\0" (8 bytes) | format version u32 | header length u32 | header JSON (UTF-8,
 *   zero-padded to 4 bytes) | sections, each a raw f32/u32 array in header order | CRC32 u32 of
 *   every byte before it.
 * The header holds parameters, the build report, the taumode constants and the section table.
 * Loading checks magic, version, lengths and the checksum before anything is decoded, and the
 * bytes of a loaded index re-serialise identically.
 */
import { crc32 } from '@opticspace/gpu';
import { IndexFormatError } from './errors';

export { crc32 };

export const MAGIC = 'OPSPIDX\0';
export const FORMAT_VERSION = 2;
/** Version 1 files (no lexical sections) still load. */
const READABLE_VERSIONS = [1, 2];
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface Section {
  name: string;
  data: Float32Array | Uint32Array;
}

export interface DecodedIndex {
  header: Record<string, unknown>;
  sections: Map<string, Float32Array | Uint32Array>;
}

export function encodeIndex(header: Record<string, unknown>, sections: Section[]): Uint8Array {
  const table = sections.map((s) => ({ name: s.name, dtype: s.data instanceof Float32Array ? 'f32' : 'u32', length: s.data.length }));
  const json = new TextEncoder().encode(JSON.stringify({ ...header, sections: table }));
  const headerBytes = Math.ceil(json.length / 4) * 4;
  const body = sections.reduce((sum, s) => sum + s.data.length * 4, 0);
  const total = 8 + 4 + 4 + headerBytes + body + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  bytes.set(json, 16);
  let offset = 16 + headerBytes;
  for (const section of sections) {
    if (LITTLE_ENDIAN) {
      bytes.set(new Uint8Array(section.data.buffer, section.data.byteOffset, section.data.byteLength), offset);
    } else {
      for (let i = 0; i < section.data.length; i++) {
        if (section.data instanceof Float32Array) view.setFloat32(offset + i * 4, section.data[i], true);
        else view.setUint32(offset + i * 4, section.data[i], true);
      }
    }
    offset += section.data.length * 4;
  }
  view.setUint32(offset, crc32(bytes.subarray(0, offset)), true);
  return bytes;
}

export function decodeIndex(bytes: Uint8Array): DecodedIndex {
  if (bytes.length < 20) throw new IndexFormatError(`Not an opticspace index: ${bytes.length} bytes is shorter than the 20-byte minimum (truncated?).`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new IndexFormatError(`Not an opticspace index: magic is ${JSON.stringify(magic)}, expected ${JSON.stringify(MAGIC)}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version)) {
    throw new IndexFormatError(`Unsupported index format version ${version}; this build reads versions ${READABLE_VERSIONS.join(' and ')}.`);
  }
  const jsonLength = view.getUint32(12, true);
  const headerBytes = Math.ceil(jsonLength / 4) * 4;
  if (16 + headerBytes + 4 > bytes.length) {
    throw new IndexFormatError(`Index is truncated: the header needs ${16 + headerBytes + 4} bytes, the data has ${bytes.length}.`);
  }
  let header: Record<string, unknown> & { sections?: unknown };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + jsonLength)));
  } catch (cause) {
    throw new IndexFormatError(`Index header is corrupted (invalid JSON): ${(cause as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new IndexFormatError('Index header is corrupted: not a JSON object.');
  const table = sectionTable(header.sections);
  const body = table.reduce((sum, s) => sum + s.length * 4, 0);
  const expected = 16 + headerBytes + body + 4;
  if (expected !== bytes.length) {
    throw new IndexFormatError(`Index is ${expected > bytes.length ? 'truncated' : 'longer than its header says'}: expected ${expected} bytes, got ${bytes.length}.`);
  }
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) {
    throw new IndexFormatError(`Index checksum mismatch (stored CRC32 ${hex(stored)}, computed ${hex(actual)}): the file is corrupted.`);
  }
  const sections = new Map<string, Float32Array | Uint32Array>();
  let offset = 16 + headerBytes;
  for (const s of table) {
    const copy = bytes.slice(offset, offset + s.length * 4);
    const words = new DataView(copy.buffer);
    if (s.dtype === 'f32') {
      sections.set(s.name, LITTLE_ENDIAN ? new Float32Array(copy.buffer) : Float32Array.from({ length: s.length }, (_, i) => words.getFloat32(i * 4, true)));
    } else {
      sections.set(s.name, LITTLE_ENDIAN ? new Uint32Array(copy.buffer) : Uint32Array.from({ length: s.length }, (_, i) => words.getUint32(i * 4, true)));
    }
    offset += s.length * 4;
  }
  delete header.sections;
  return { header, sections };
}

/** The header's section table, checked entry by entry before any length or offset is trusted. */
function sectionTable(table: unknown): Array<{ name: string; dtype: 'f32' | 'u32'; length: number }> {
  if (!Array.isArray(table)) throw new IndexFormatError('Index header is corrupted: no section table.');
  const names = new Set<string>();
  return table.map((entry, i) => {
    const { name, dtype, length } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || names.has(name)) throw new IndexFormatError(`Index header is corrupted: section ${i} has a missing or repeated name.`);
    if (dtype !== 'f32' && dtype !== 'u32') throw new IndexFormatError(`Index section '${name}' has unknown dtype '${String(dtype)}'.`);
    if (!Number.isSafeInteger(length) || (length as number) < 0) throw new IndexFormatError(`Index header is corrupted: section '${name}' has an invalid length.`);
    names.add(name);
    return { name, dtype, length: length as number };
  });
}

function hex(value: number): string {
  return '0x' + value.toString(16).padStart(8, '0');
}
