/**
 * A single-file container of named byte sections, so that several artifacts (an index, an
 * embedder, a document list, ...) are written, renamed and loaded as one unit. Layout (little
 * endian):
 *   magic "OPSCONT\0" (8 bytes) | container version u32 | table length u32 | table JSON (UTF-8)
 *   | CRC32 u32 of every byte before it | sections, in table order, each starting on an 8-byte
 *   boundary (zero padding, also after the last one).
 * The table is {"kind": string, "sections": [{"name", "length", "crc32"}]}: every section carries
 * its own length and CRC32, the table carries one of its own, and the padding must be zero, so
 * every byte of the file is checked on load. Section bytes come back as views into the file's
 * bytes (8-byte aligned when the file's buffer is), in any format the caller chooses.
 */
import { crc32 } from '@opticspace/gpu';
import { ContainerFormatError } from './errors';

export const CONTAINER_MAGIC = 'OPSCONT\0';
export const CONTAINER_VERSION = 1;
const ALIGN = 8;

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface Sections {
  /** What the container holds, as the writer named it (e.g. 'opticspace-cli-index'). */
  kind: string;
  names: string[];
  /** A section's bytes; ContainerFormatError when the container has no such section. */
  get(name: string): Uint8Array;
  has(name: string): boolean;
}

interface TableEntry {
  name: string;
  length: number;
  crc32: number;
}

const align = (offset: number) => Math.ceil(offset / ALIGN) * ALIGN;

/** Whether `bytes` start like a container (a cheap check to tell containers from other files). */
export function isContainer(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && String.fromCharCode(...bytes.subarray(0, 8)) === CONTAINER_MAGIC;
}

export function writeSections(kind: string, sections: readonly NamedBytes[]): Uint8Array {
  const names = new Set(sections.map((section) => section.name));
  if (names.size !== sections.length) throw new ContainerFormatError(`writeSections: section names must be unique, got ${sections.map((s) => s.name).join(', ')}.`);
  const table: TableEntry[] = sections.map(({ name, bytes }) => ({ name, length: bytes.length, crc32: crc32(bytes) }));
  const json = new TextEncoder().encode(JSON.stringify({ kind, sections: table }));
  const total = sections.reduce((offset, section) => align(offset) + section.bytes.length, 16 + json.length + 4);
  const out = new Uint8Array(align(total));
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = CONTAINER_MAGIC.charCodeAt(i);
  view.setUint32(8, CONTAINER_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  view.setUint32(16 + json.length, crc32(out.subarray(0, 16 + json.length)), true);
  let offset = 16 + json.length + 4;
  for (const section of sections) {
    offset = align(offset);
    out.set(section.bytes, offset);
    offset += section.bytes.length;
  }
  return out;
}

/** Reads and verifies a container; `kind`, when given, must match the writer's. `source` names the file in errors. */
export function readSections(bytes: Uint8Array, options: { kind?: string; source?: string } = {}): Sections {
  const source = options.source ?? 'container';
  const fail = (message: string): never => {
    throw new ContainerFormatError(`${source}: ${message}`);
  };
  if (!isContainer(bytes)) fail(`not an opticspace container (expected magic ${JSON.stringify(CONTAINER_MAGIC)})`);
  if (bytes.length < 20) fail(`truncated: ${bytes.length} bytes is shorter than the 20-byte minimum`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CONTAINER_VERSION) fail(`unsupported container version ${version}; this build reads version ${CONTAINER_VERSION}`);
  const tableLength = view.getUint32(12, true);
  if (16 + tableLength + 4 > bytes.length) fail(`truncated: the section table needs ${16 + tableLength + 4} bytes, the file has ${bytes.length}`);
  const stored = view.getUint32(16 + tableLength, true);
  const actual = crc32(bytes.subarray(0, 16 + tableLength));
  if (stored !== actual) fail(`section table checksum mismatch (stored CRC32 ${hex(stored)}, computed ${hex(actual)}): the file is corrupted`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + tableLength)));
  } catch (error) {
    return fail(`section table is not valid JSON (${(error as Error).message})`);
  }
  const { kind, sections } = (parsed ?? {}) as { kind?: unknown; sections?: unknown };
  if (typeof kind !== 'string' || !Array.isArray(sections)) return fail('section table has no kind or no section list');
  if (options.kind !== undefined && kind !== options.kind) fail(`holds '${kind}', expected '${options.kind}'`);
  const found = new Map<string, Uint8Array>();
  let offset = 16 + tableLength + 4;
  for (const entry of sections as unknown[]) {
    const { name, length, crc32: checksum } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || found.has(name)) fail('section table has a missing or repeated section name');
    if (!Number.isSafeInteger(length) || (length as number) < 0 || !Number.isInteger(checksum)) fail(`section '${name}' has an invalid length or checksum entry`);
    checkZero(bytes, offset, align(offset), fail);
    offset = align(offset);
    const end = offset + (length as number);
    if (end > bytes.length) fail(`truncated: section '${name}' needs bytes [${offset}, ${end}), the file has ${bytes.length}`);
    const data = bytes.subarray(offset, end);
    const computed = crc32(data);
    if (computed !== checksum) fail(`section '${name}' checksum mismatch (stored CRC32 ${hex(checksum as number)}, computed ${hex(computed)}): the file is corrupted`);
    found.set(name as string, data);
    offset = end;
  }
  if (align(offset) !== bytes.length) fail(`${align(offset) > bytes.length ? 'truncated' : 'longer than its section table says'}: expected ${align(offset)} bytes, got ${bytes.length}`);
  checkZero(bytes, offset, bytes.length, fail);
  return {
    kind,
    names: [...found.keys()],
    has: (name) => found.has(name),
    get: (name) => found.get(name) ?? fail(`has no '${name}' section (it holds ${[...found.keys()].join(', ') || 'none'})`),
  };
}

function checkZero(bytes: Uint8Array, from: number, to: number, fail: (message: string) => never): void {
  for (let i = from; i < Math.min(to, bytes.length); i++) if (bytes[i] !== 0) fail(`padding byte ${i} is not zero: the file is corrupted`);
}

function hex(value: number): string {
  return '0x' + (value >>> 0).toString(16).padStart(8, '0');
}
