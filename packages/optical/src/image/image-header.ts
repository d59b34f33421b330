/**
 * Reads the size of a PNG or JPEG from its header and checks the file's structure end to end,
 * without decoding pixels. Decoders (Skia in Node, the browser's) fill missing data with black
 * and succeed on truncated files, and allocate width x height before looking at the data: this
 * walk rejects truncated and corrupted files, and lets a pixel limit be enforced first.
 *   PNG: signature, IHDR first (valid size, depth, colour type), every chunk's CRC32, at least
 *        one IDAT, IEND (bytes after IEND are ignored, as decoders do).
 *   JPEG: SOI, every marker segment's length, a frame header (SOF) before the first scan, the
 *        entropy-coded data of each scan, EOI (bytes after EOI are ignored).
 */
import { crc32 } from '@opticspace/gpu';
import { ImageDecodeError } from '../errors';

export interface ImageHeader {
  format: 'png' | 'jpeg';
  /** Stored size (before any EXIF rotation). */
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Allowed bit depths per PNG colour type. */
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const fail = (message: string): never => {
    throw new ImageDecodeError(`${message} (${bytes.byteLength} bytes)`);
  };
  if (PNG_SIGNATURE.every((value, i) => bytes[i] === value)) return readPng(bytes, fail);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return readJpeg(bytes, fail);
  return fail('not a PNG or JPEG file (unknown signature)');
}

function readPng(bytes: Uint8Array, fail: (message: string) => never): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let size: { width: number; height: number } | null = null;
  let imageData = false;
  for (let index = 0; ; index++) {
    if (offset + 12 > bytes.length) fail(`PNG is truncated: chunk ${index} starts at byte ${offset} without room for its header (no IEND)`);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) fail(`PNG is corrupted: chunk ${index} at byte ${offset} has an invalid type`);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) fail(`PNG is truncated: chunk '${type}' at byte ${offset} needs ${length} data bytes`);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) fail(`PNG is corrupted: chunk '${type}' at byte ${offset} fails its CRC32`);
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) fail('PNG is corrupted: the first chunk is not a 13-byte IHDR');
      const header = new DataView(data.buffer, data.byteOffset, 13);
      const [width, height, depth, colour] = [header.getUint32(0), header.getUint32(4), data[8], data[9]];
      if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) fail(`PNG has an invalid size ${width} x ${height}`);
      if (!PNG_DEPTHS[colour]?.includes(depth) || data[10] !== 0 || data[11] !== 0 || data[12] > 1) fail(`PNG has an invalid IHDR (colour type ${colour}, bit depth ${depth})`);
      size = { width, height };
    } else if (type === 'IHDR') fail('PNG is corrupted: a second IHDR chunk');
    if (type === 'IDAT') imageData = true;
    if (type === 'IEND') {
      if (!imageData) fail('PNG is corrupted: no IDAT (image data) chunk');
      return { format: 'png', ...size! };
    }
    offset = end;
  }
}

/** SOF markers (baseline, extended, progressive, lossless; Huffman or arithmetic): C0-CF except C4 (DHT), C8 (JPG), CC (DAC). */
const isFrameMarker = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function readJpeg(bytes: Uint8Array, fail: (message: string) => never): ImageHeader {
  let offset = 2;
  let size: { width: number; height: number } | null = null;
  let scans = 0;
  for (;;) {
    if (offset + 2 > bytes.length) fail(`JPEG is truncated at byte ${offset} (no end-of-image marker)`);
    if (bytes[offset] !== 0xff) fail(`JPEG is corrupted: expected a marker at byte ${offset}`);
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      if (!size || scans === 0) fail('JPEG is corrupted: end of image before any frame header and scan');
      return { format: 'jpeg', ...size! };
    }
    if (marker === 0xd8 || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      fail(`JPEG is corrupted: unexpected marker 0xff${marker.toString(16)} at byte ${offset}`);
    }
    if (offset + 4 > bytes.length) fail(`JPEG is truncated at byte ${offset} (no end-of-image marker)`);
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) fail(`JPEG is truncated: segment 0xff${marker.toString(16)} at byte ${offset} needs ${length} bytes`);
    if (isFrameMarker(marker)) {
      if (size) fail('JPEG is corrupted: a second frame header');
      if (length < 8) fail('JPEG is corrupted: short frame header');
      const height = (bytes[offset + 5] << 8) | bytes[offset + 6];
      const width = (bytes[offset + 7] << 8) | bytes[offset + 8];
      if (width === 0 || height === 0) fail(`JPEG has an invalid size ${width} x ${height}`);
      size = { width, height };
    }
    offset = end;
    if (marker === 0xda) {
      if (!size) fail('JPEG is corrupted: a scan before the frame header');
      scans++;
      offset = skipEntropyCodedData(bytes, offset);
    }
  }
}

/** The offset of the first marker after a scan's entropy-coded data (stuffed 0xff00 and restart markers belong to the data). */
function skipEntropyCodedData(bytes: Uint8Array, offset: number): number {
  for (let i = offset; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1];
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) continue;
    return i;
  }
  return bytes.length;
}
