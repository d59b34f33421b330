/** IEEE 754 binary16 conversion for uploading f16 tensors and reading them back. */
const floatView = new Float32Array(1);
const intView = new Uint32Array(floatView.buffer);

/** Rounds to nearest even, like the GPU's f32 -> f16 conversion. */
export function float32ToFloat16Bits(value: number): number {
  floatView[0] = value;
  const x = intView[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> signed zero
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    const rounded = remainder > midpoint || (remainder === midpoint && (half & 1)) ? half + 1 : half;
    return sign | rounded;
  }
  const half = sign | (e << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  // Carry into the exponent is correct IEEE behaviour (may round up to Inf).
  return remainder > 0x1000 || (remainder === 0x1000 && (half & 1)) ? half + 1 : half;
}

export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

export function fromFloat16Array(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
  return out;
}

/** Rounds every value through f16 (what an f16 tensor stores), for building references. */
export function roundToFloat16(values: ArrayLike<number>): Float32Array {
  return fromFloat16Array(toFloat16Array(values));
}
