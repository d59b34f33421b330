import { OpticspaceError } from '@opticspace/gpu';

/** A .npy file is malformed or holds something other than what was asked for. */
export class NpyFormatError extends OpticspaceError {
  constructor(message: string) {
    super('NPY_FORMAT', `Invalid .npy data: ${message}`);
  }
}

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parses a version 1/2/3 .npy holding little-endian float32 ('<f4') or float64 ('<f8', converted)
 * in C order. Checks the magic, header dict, dtype, fortran_order, shape and data length.
 */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyFormatError('missing the \\x93NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.byteLength < 12) throw new NpyFormatError('file too short for a version 2 header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyFormatError(`unsupported format version ${major}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.byteLength) throw new NpyFormatError(`header length ${headerLength} runs past the ${bytes.byteLength}-byte file`);
  const header = new TextDecoder().decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new NpyFormatError(`unreadable header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw new NpyFormatError('fortran_order arrays are not supported (save a C-order array)');
  const itemBytes = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (!itemBytes) throw new NpyFormatError(`dtype '${descr}' is not supported; expected '<f4' (float32) or '<f8'`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const value = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(value) || value < 0) throw new NpyFormatError(`invalid dimension '${s}' in shape (${shapeText})`);
      return value;
    });
  const count = shape.reduce((a, b) => a * b, 1);
  const expectedBytes = count * itemBytes;
  if (bytes.byteLength - dataStart !== expectedBytes) {
    throw new NpyFormatError(`shape (${shape.join(', ')}) x ${descr} needs ${expectedBytes} data bytes, file has ${bytes.byteLength - dataStart}`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = itemBytes === 4 ? view.getFloat32(dataStart + 4 * i, true) : view.getFloat64(dataStart + 8 * i, true);
  return { shape, data };
}

/** Serialises a float32 C-order array as .npy version 1.0. */
export function writeNpy(data: Float32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new NpyFormatError(`shape (${shape.join(', ')}) holds ${count} values but ${data.length} were given`);
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shapeText}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  for (let i = 0; i < data.length; i++) view.setFloat32(10 + header.length + 4 * i, data[i], true);
  return out;
}
