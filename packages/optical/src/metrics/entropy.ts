import { InvalidInputError, integer } from '@opticspace/gpu';
import type { RgbaImage } from '../image/rgb-image';

export interface EntropySummary {
  /** Number of symbols counted. */
  symbols: number;
  /** Number of distinct symbols seen. */
  distinct: number;
  /** Shannon entropy of the empirical distribution, bits per symbol. */
  bitsPerSymbol: number;
  /** bitsPerSymbol x symbols: the order-0 information content in bits. */
  totalBits: number;
}

/** Shannon entropy (bits) of a histogram: -sum p log2 p over non-zero bins. */
export function entropyFromCounts(counts: Iterable<number>): EntropySummary {
  let total = 0;
  let distinct = 0;
  const values: number[] = [];
  for (const count of counts) {
    if (!(count >= 0) || !Number.isFinite(count)) throw new InvalidInputError(`histogram counts must be finite and >= 0, got ${count}`);
    if (count > 0) {
      values.push(count);
      total += count;
      distinct++;
    }
  }
  let bits = 0;
  for (const count of values) {
    const p = count / total;
    bits -= p * Math.log2(p);
  }
  // -0 and tiny negative rounding for a single symbol become exactly 0.
  bits = Math.max(0, bits);
  return { symbols: total, distinct, bitsPerSymbol: bits, totalBits: bits * total };
}

/** Character (Unicode code point) entropy of a text. */
export function textEntropy(text: string): EntropySummary {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  return entropyFromCounts(counts.values());
}

/**
 * 8-bit grayscale histogram with PIL's `convert('L')` weights (ITU-R 601-2 luma in 16-bit
 * fixed point: L = (19595 R + 38470 G + 7471 B + 32768) >> 16). Alpha is ignored.
 */
export function grayscaleHistogram(image: RgbaImage): Float64Array {
  const pixels = image.width * image.height;
  if (image.data.length !== pixels * 4) {
    throw new InvalidInputError(`RGBA data has ${image.data.length} bytes; expected ${pixels * 4} for ${image.width} x ${image.height}`);
  }
  const histogram = new Float64Array(256);
  for (let p = 0; p < pixels; p++) {
    const d = p * 4;
    const luma = (image.data[d] * 19595 + image.data[d + 1] * 38470 + image.data[d + 2] * 7471 + 0x8000) >>> 16;
    histogram[luma]++;
  }
  return histogram;
}

export function imageEntropy(images: readonly RgbaImage[]): EntropySummary {
  const total = new Float64Array(256);
  for (const image of images) {
    const histogram = grayscaleHistogram(image);
    for (let i = 0; i < 256; i++) total[i] += histogram[i];
  }
  return entropyFromCounts(total);
}

export interface TokenEntropySummary extends EntropySummary {
  bins: number;
  /** Range the bins cover: [min, max] of the token values. */
  min: number;
  max: number;
}

/**
 * Entropy of vision-token values. Binning: every value of every token (all channels
 * pooled) falls into one of `bins` equal-width bins spanning [min, max] of the values;
 * bin = floor((v - min) / (max - min) * bins), the maximum going to the last bin. So the
 * result is the entropy, in bits per value, of the values quantised to `bins` levels
 * (8 bits for the default 256), and totalBits counts all values. Constant input: 0 bits.
 */
export function tokenValueEntropy(values: Float32Array, bins = 256): TokenEntropySummary {
  integer('bins', bins, 2);
  if (values.length === 0) throw new InvalidInputError('token values are empty');
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new InvalidInputError(`token value ${i} is ${v}; expected finite values`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const histogram = new Float64Array(bins);
  const span = max - min;
  for (let i = 0; i < values.length; i++) {
    const bin = span === 0 ? 0 : Math.min(bins - 1, Math.floor(((values[i] - min) / span) * bins));
    histogram[bin]++;
  }
  return { ...entropyFromCounts(histogram), bins, min, max };
}
