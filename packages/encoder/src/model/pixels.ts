import { InvalidInputError, ShapeError } from '@opticspace/gpu';

/** Checks normalised pixels [3, S, S]: right length, all finite. */
export function checkPixels(pixels: Float32Array, imageSize: number): void {
  checkPixelCount(pixels, imageSize);
  checkPixelValues(pixels);
}

export function checkPixelCount(pixels: Float32Array, imageSize: number): void {
  const expected = 3 * imageSize * imageSize;
  if (pixels.length !== expected) {
    throw new ShapeError(`encoder input: expected ${expected} values ([3, ${imageSize}, ${imageSize}]), got ${pixels.length}`);
  }
}

export function checkPixelValues(pixels: Float32Array): void {
  for (let i = 0; i < pixels.length; i++) {
    if (!Number.isFinite(pixels[i])) throw new InvalidInputError(`encoder input: pixel value ${pixels[i]} at index ${i} is not finite`);
  }
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
