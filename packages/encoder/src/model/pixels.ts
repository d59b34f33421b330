import { InvalidInputError, OpticspaceError, ShapeError } from '@opticspace/gpu';

/**
 * Normalised pixels lie in [-1, 1]: (byte / 255 - 0.5) / 0.5. Values a little outside (float
 * rounding, other resamplers) are accepted; anything further is unnormalised input (0-255 bytes,
 * 0-1 floats, ImageNet statistics) that would give meaningless tokens.
 */
export const PIXEL_RANGE = { min: -1, max: 1, tolerance: 1e-3 } as const;

/** Checks normalised pixels [3, S, S]: right length, all finite, inside PIXEL_RANGE. */
export function checkPixels(pixels: Float32Array, imageSize: number): void {
  checkPixelCount(pixels, imageSize);
  checkPixelValues(pixels, imageSize);
}

export function checkPixelCount(pixels: Float32Array, imageSize: number): void {
  const expected = 3 * imageSize * imageSize;
  if (pixels.length !== expected) {
    throw new ShapeError(`encoder input: expected ${expected} values ([3, ${imageSize}, ${imageSize}]), got ${pixels.length}`);
  }
}

/** Every value finite and inside PIXEL_RANGE; the error names the channel, row and column. */
export function checkPixelValues(pixels: Float32Array, imageSize: number): void {
  const low = PIXEL_RANGE.min - PIXEL_RANGE.tolerance;
  const high = PIXEL_RANGE.max + PIXEL_RANGE.tolerance;
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i];
    if (value >= low && value <= high) continue;
    const plane = imageSize * imageSize;
    const where = `index ${i} (channel ${Math.floor(i / plane)}, row ${Math.floor((i % plane) / imageSize)}, column ${i % imageSize})`;
    if (!Number.isFinite(value)) throw new InvalidInputError(`encoder input: pixel value ${value} at ${where} is not finite`);
    throw new InvalidInputError(
      `encoder input: pixel value ${value} at ${where} is outside the normalised range [${PIXEL_RANGE.min}, ${PIXEL_RANGE.max}]; ` +
        'pixels must be (byte / 255 - 0.5) / 0.5 (prepareImage / normalizeImage do this)',
    );
  }
}

/** The encoder produced NaN or Infinity (weights or input outside what the model can handle). */
export class NonFiniteOutputError extends OpticspaceError {
  constructor(what: string, index: number, value: number) {
    super('NON_FINITE_OUTPUT', `encoder output: ${what} value ${index} is ${value}; check the weights and the input pixels`);
  }
}

/** Raises NonFiniteOutputError at the first NaN or Infinity of an encoder output. */
export function checkFiniteOutput(values: Float32Array, what: string): Float32Array {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new NonFiniteOutputError(what, i, values[i]);
  return values;
}

/**
 * Normalised pixels [3, S, S] from an array shaped [3, S, S] or [1, 3, S, S] (e.g. a .npy file),
 * checked against the configured input size.
 */
export function pixelsFromArray(array: { shape: number[]; data: Float32Array }, imageSize: number): Float32Array {
  const shape = array.shape;
  const squeezed = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape;
  if (squeezed.length !== 3 || squeezed[0] !== 3 || squeezed[1] !== imageSize || squeezed[2] !== imageSize) {
    throw new ShapeError(`encoder input: expected pixels [3, ${imageSize}, ${imageSize}] or [1, 3, ${imageSize}, ${imageSize}], got [${shape.join(', ')}]`);
  }
  checkPixels(array.data, imageSize);
  return array.data;
}
