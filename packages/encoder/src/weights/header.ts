import { SafetensorsFormatError } from './errors';

/** Storage types a safetensors entry may declare, with their byte sizes. */
export const SAFETENSORS_DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
} as const;

export type SafetensorsDType = keyof typeof SAFETENSORS_DTYPE_BYTES;

/** One tensor's entry. `begin`/`end` are absolute byte offsets in the file (header included). */
export interface SafetensorsTensorInfo {
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Length of the JSON header (the u64 at offset 0); data starts at 8 + headerLength. */
  headerLength: number;
  tensors: Map<string, SafetensorsTensorInfo>;
  metadata: Record<string, string>;
}

/** Largest JSON header we accept (the format's own limit is 100 MB). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Reads the 8-byte little-endian header length; throws when it cannot be a valid header. */
export function readHeaderLength(prefix: Uint8Array, fileSize?: number): number {
  if (prefix.byteLength < 8) {
    throw new SafetensorsFormatError(`needs at least 8 bytes for the header length, got ${prefix.byteLength}`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  if (high !== 0 || low > MAX_HEADER_BYTES) {
    throw new SafetensorsFormatError(`header length ${high * 2 ** 32 + low} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (low < 2) throw new SafetensorsFormatError(`header length ${low} is too small for a JSON object`);
  if (fileSize !== undefined && 8 + low > fileSize) {
    throw new SafetensorsFormatError(`header length ${low} runs past the end of the ${fileSize}-byte file`);
  }
  return low;
}

/**
 * Parses and validates a safetensors header. `bytes` must hold at least the 8-byte length and
 * the JSON header (the tensor data may be absent: pass `fileSize` to check the byte ranges
 * against the whole file). Checks: length bounds, JSON object, known dtypes, integer shapes,
 * shape x dtype size == byte range, ranges inside the file, no overlaps.
 */
export function parseSafetensorsHeader(bytes: Uint8Array, fileSize?: number): SafetensorsHeader {
  const headerLength = readHeaderLength(bytes, fileSize);
  if (bytes.byteLength < 8 + headerLength) {
    throw new SafetensorsFormatError(`header declares ${headerLength} bytes but only ${bytes.byteLength - 8} are present`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new SafetensorsFormatError(`header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SafetensorsFormatError('header JSON is not an object');
  }
  const dataStart = 8 + headerLength;
  const dataLength = fileSize === undefined ? undefined : fileSize - dataStart;
  const tensors = new Map<string, SafetensorsTensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(entry);
      continue;
    }
    tensors.set(name, parseEntry(name, entry, dataStart, dataLength));
  }
  checkNoOverlap(tensors, dataStart);
  return { headerLength, tensors, metadata };
}

function parseMetadata(entry: unknown): Record<string, string> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SafetensorsFormatError('__metadata__ is not an object');
  }
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') throw new SafetensorsFormatError(`__metadata__.${key} is not a string`);
  }
  return entry as Record<string, string>;
}

function parseEntry(name: string, entry: unknown, dataStart: number, dataLength: number | undefined): SafetensorsTensorInfo {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SafetensorsFormatError(`entry '${name}' is not an object`);
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPE_BYTES)) {
    throw new SafetensorsFormatError(`'${name}' has unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsFormatError(`'${name}' has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsFormatError(`'${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [start, stop] = offsets as number[];
  if (stop < start) throw new SafetensorsFormatError(`'${name}' data_offsets [${start}, ${stop}] end before they begin`);
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  const expectedBytes = elements * SAFETENSORS_DTYPE_BYTES[dtype as SafetensorsDType];
  if (stop - start !== expectedBytes) {
    throw new SafetensorsFormatError(
      `'${name}' shape [${shape.join(', ')}] x ${dtype} needs ${expectedBytes} bytes but data_offsets span ${stop - start}`,
    );
  }
  if (dataLength !== undefined && stop > dataLength) {
    throw new SafetensorsFormatError(`'${name}' bytes [${start}, ${stop}) lie outside the ${dataLength}-byte data section (truncated file?)`);
  }
  return { dtype: dtype as SafetensorsDType, shape: shape as number[], begin: dataStart + start, end: dataStart + stop };
}

function checkNoOverlap(tensors: Map<string, SafetensorsTensorInfo>, dataStart: number): void {
  const sorted = [...tensors.entries()].filter(([, t]) => t.end > t.begin).sort((a, b) => a[1].begin - b[1].begin);
  for (let i = 1; i < sorted.length; i++) {
    const [previousName, previous] = sorted[i - 1];
    const [name, current] = sorted[i];
    if (current.begin < previous.end) {
      throw new SafetensorsFormatError(
        `'${name}' bytes [${current.begin - dataStart}, ${current.end - dataStart}) overlap '${previousName}' [${previous.begin - dataStart}, ${previous.end - dataStart})`,
      );
    }
  }
}
