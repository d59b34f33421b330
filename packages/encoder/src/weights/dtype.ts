import { float16BitsToFloat32 } from '@opticspace/gpu';
import { SafetensorsFormatError } from './errors';
import type { SafetensorsDType } from './header';

/** Typed arrays use the platform's byte order; safetensors is little-endian (every browser and Node target is too). */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** f16 bits -> f32 value for all 65,536 patterns, built on first use (256 KiB). */
let halfTable: Float32Array | null = null;
function float16Table(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = float16BitsToFloat32(bits);
  }
  return halfTable;
}

/**
 * Converts raw little-endian F32 / F16 / BF16 tensor bytes to a new Float32Array. Aligned bytes
 * are read through typed-array views (a checkpoint is ~400M values: a DataView call per value
 * costs seconds); unaligned ones through a DataView.
 */
export function decodeToFloat32(bytes: Uint8Array, dtype: SafetensorsDType, name = 'tensor'): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      const count = bytes.byteLength / 4;
      if (littleEndian && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count).slice();
      const out = new Float32Array(count);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F16': {
      const table = float16Table();
      const out = new Float32Array(bytes.byteLength / 2);
      if (littleEndian && bytes.byteOffset % 2 === 0) {
        const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, out.length);
        for (let i = 0; i < out.length; i++) out[i] = table[halves[i]];
      } else {
        for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(i * 2, true)];
      }
      return out;
    }
    case 'BF16': {
      // bf16 is the top half of an f32: shift the 16 bits up.
      const out = new Float32Array(bytes.byteLength / 2);
      const bits = new Uint32Array(out.buffer);
      if (littleEndian && bytes.byteOffset % 2 === 0) {
        const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, out.length);
        for (let i = 0; i < out.length; i++) bits[i] = halves[i] << 16;
      } else {
        for (let i = 0; i < out.length; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      }
      return out;
    }
    default:
      throw new SafetensorsFormatError(`'${name}' has dtype ${dtype}; only F32, F16 and BF16 can be read as floats`);
  }
}

/** Rounds f32 values to bf16 (nearest even), the inverse used by tests and fixtures. */
export function float32ToBfloat16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i];
    if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) {
      out[i] = (x >>> 16) | 0x40;
      continue;
    }
    const rounding = 0x7fff + ((x >>> 16) & 1);
    out[i] = ((x + rounding) >>> 16) & 0xffff;
  }
  return out;
}
