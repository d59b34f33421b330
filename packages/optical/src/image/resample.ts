import { checkImageSize, checkRgbImage, type RgbImage } from './rgb-image';

/**
 * Bicubic resize with Pillow's exact arithmetic (libImaging/Resample.c, 8 bits per
 * channel): `Image.resize(size)` defaults to BICUBIC (a = -0.5, support 2) and widens the
 * filter by the shrink factor (antialiasing). Coefficients are computed in double,
 * normalised per output pixel, turned into 22-bit fixed point; the horizontal pass writes
 * an 8-bit intermediate that the vertical pass reads, each sum rounded by adding half and
 * shifting. Matching these steps keeps our pixels byte-identical to the reference's.
 */
const PRECISION_BITS = 32 - 8 - 2;
const FIXED_ONE = 1 << PRECISION_BITS;
const BICUBIC_SUPPORT = 2;

function bicubicFilter(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** C's (int) cast: truncation toward zero. */
function truncate(x: number): number {
  return x < 0 ? Math.ceil(x) : Math.floor(x);
}

export interface ResampleCoefficients {
  /** Taps per output pixel (stride of `weights`). */
  kernelSize: number;
  /** First input index per output pixel. */
  first: Int32Array;
  /** Number of input pixels used per output pixel. */
  count: Int32Array;
  /** Fixed-point weights, [outSize, kernelSize]. */
  weights: Int32Array;
}

/** Resample.c `precompute_coeffs` + `normalize_coeffs_8bpc` for a full-image box. */
export function precomputeCoefficients(inSize: number, outSize: number): ResampleCoefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = BICUBIC_SUPPORT * filterScale;
  const kernelSize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * kernelSize);
  const taps = new Float64Array(kernelSize);
  const inverseScale = 1 / filterScale;
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    let xmin = truncate(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = truncate(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubicFilter((x + xmin - center + 0.5) * inverseScale);
      taps[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? taps[x] / total : taps[x];
      weights[out * kernelSize + x] = w < 0 ? truncate(-0.5 + w * FIXED_ONE) : truncate(0.5 + w * FIXED_ONE);
    }
    first[out] = xmin;
    count[out] = xmax;
  }
  return { kernelSize, first, count, weights };
}

/** Resample.c `clip8`: arithmetic shift, then clamp to [0, 255]. */
function clip8(sum: number): number {
  const value = Math.floor(sum / FIXED_ONE);
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

function resampleHorizontal(image: RgbImage, outWidth: number, rowStart: number, rowEnd: number): RgbImage {
  const c = precomputeCoefficients(image.width, outWidth);
  const height = rowEnd - rowStart;
  const data = new Uint8Array(outWidth * height * 3);
  const half = FIXED_ONE / 2;
  for (let y = 0; y < height; y++) {
    const rowOffset = (y + rowStart) * image.width * 3;
    for (let x = 0; x < outWidth; x++) {
      let r = half;
      let g = half;
      let b = half;
      const first = c.first[x];
      const taps = c.count[x];
      const base = x * c.kernelSize;
      for (let t = 0; t < taps; t++) {
        const w = c.weights[base + t];
        const p = rowOffset + (first + t) * 3;
        r += image.data[p] * w;
        g += image.data[p + 1] * w;
        b += image.data[p + 2] * w;
      }
      const o = (y * outWidth + x) * 3;
      data[o] = clip8(r);
      data[o + 1] = clip8(g);
      data[o + 2] = clip8(b);
    }
  }
  return { width: outWidth, height, data };
}

function resampleVertical(image: RgbImage, c: ResampleCoefficients, rowShift: number, outHeight: number): RgbImage {
  const width = image.width;
  const data = new Uint8Array(width * outHeight * 3);
  const half = FIXED_ONE / 2;
  for (let y = 0; y < outHeight; y++) {
    const first = c.first[y] - rowShift;
    const taps = c.count[y];
    const base = y * c.kernelSize;
    for (let x = 0; x < width; x++) {
      let r = half;
      let g = half;
      let b = half;
      for (let t = 0; t < taps; t++) {
        const w = c.weights[base + t];
        const p = ((first + t) * width + x) * 3;
        r += image.data[p] * w;
        g += image.data[p + 1] * w;
        b += image.data[p + 2] * w;
      }
      const o = (y * width + x) * 3;
      data[o] = clip8(r);
      data[o + 1] = clip8(g);
      data[o + 2] = clip8(b);
    }
  }
  return { width, height: outHeight, data };
}

/** PIL `image.resize((width, height))` with the default BICUBIC filter. */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  checkRgbImage(image, 'resize source');
  checkImageSize(width, height, 'resize target');
  if (width === image.width && height === image.height) {
    return { width, height, data: image.data.slice() };
  }
  const needHorizontal = width !== image.width;
  const needVertical = height !== image.height;
  const vertical = precomputeCoefficients(image.height, height);
  // Only the source rows the vertical pass reads go through the horizontal pass (as in ImagingResampleInner).
  const rowStart = needVertical ? vertical.first[0] : 0;
  const rowEnd = needVertical ? vertical.first[height - 1] + vertical.count[height - 1] : image.height;
  let current = image;
  let rowShift = 0;
  if (needHorizontal) {
    current = resampleHorizontal(image, width, rowStart, rowEnd);
    rowShift = rowStart;
  }
  if (needVertical) current = resampleVertical(current, vertical, rowShift, height);
  return current;
}
