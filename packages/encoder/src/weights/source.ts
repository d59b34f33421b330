import { InvalidInputError } from '@opticspace/gpu';

/**
 * Where checkpoint bytes come from. The loader only asks for the byte ranges it needs
 * (header, then each tensor), so a source may be a local file, a browser File/Blob, or an
 * HTTP Range reader. `size` (total bytes) lets the header parser check that ranges lie
 * inside the file; give it when known.
 */
export interface WeightSource {
  readonly size?: number;
  /** Bytes [begin, end) of the file. Must return exactly end - begin bytes or throw. */
  readRange(begin: number, end: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export function checkRange(begin: number, end: number, size: number | undefined): void {
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < begin) {
    throw new InvalidInputError(`readRange: invalid byte range [${begin}, ${end})`);
  }
  if (size !== undefined && end > size) {
    throw new InvalidInputError(`readRange: byte range [${begin}, ${end}) runs past the end of the ${size}-byte source`);
  }
}

/** A source over bytes already in memory (tests, small files). */
export class BytesWeightSource implements WeightSource {
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.byteLength;
  }
  async readRange(begin: number, end: number): Promise<Uint8Array> {
    checkRange(begin, end, this.size);
    return this.bytes.subarray(begin, end);
  }
}

/** A browser File or Blob: each range is read with Blob.slice, never the whole file. */
export class BlobWeightSource implements WeightSource {
  constructor(private readonly blob: Blob) {}
  get size(): number {
    return this.blob.size;
  }
  async readRange(begin: number, end: number): Promise<Uint8Array> {
    checkRange(begin, end, this.size);
    return new Uint8Array(await this.blob.slice(begin, end).arrayBuffer());
  }
}
