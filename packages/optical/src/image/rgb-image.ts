import { InvalidInputError } from '@opticspace/gpu';

/** An 8-bit RGB image, row-major, 3 bytes per pixel (PIL mode "RGB"). */
export interface RgbImage {
  width: number;
  height: number;
  /** [height, width, 3] interleaved R, G, B. */
  data: Uint8Array;
}

/** An 8-bit RGBA image as canvases return it (ImageData layout, not premultiplied). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export function checkImageSize(width: number, height: number, what = 'image'): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidInputError(`${what} size must be positive integers, got ${width} x ${height}`);
  }
}

/** Checks an RGB image's size and that its data holds exactly width x height x 3 bytes. */
export function checkRgbImage(image: RgbImage, what = 'image'): void {
  if (!image || typeof image !== 'object') throw new InvalidInputError(`${what} must be an RgbImage, got ${image === null ? 'null' : typeof image}`);
  checkImageSize(image.width, image.height, what);
  if (!(image.data instanceof Uint8Array) || image.data.length !== image.width * image.height * 3) {
    throw new InvalidInputError(
      `${what} data must be a Uint8Array of ${image.width * image.height * 3} bytes (${image.width} x ${image.height} x 3 RGB), got ${image.data?.length ?? 'none'}`,
    );
  }
}

export function createRgbImage(width: number, height: number, fill: readonly [number, number, number] = [0, 0, 0]): RgbImage {
  checkImageSize(width, height);
  const data = new Uint8Array(width * height * 3);
  if (fill[0] !== 0 || fill[1] !== 0 || fill[2] !== 0) {
    for (let i = 0; i < data.length; i += 3) {
      data[i] = fill[0];
      data[i + 1] = fill[1];
      data[i + 2] = fill[2];
    }
  }
  return { width, height, data };
}

/**
 * Drops the alpha channel, as PIL's `convert('RGB')` does for RGBA input (the reference
 * loads images with `.convert('RGB')`): colour values are kept, alpha is ignored.
 */
export function rgbaToRgb(image: RgbaImage): RgbImage {
  checkImageSize(image.width, image.height);
  const pixels = image.width * image.height;
  if (image.data.length !== pixels * 4) {
    throw new InvalidInputError(`RGBA data has ${image.data.length} bytes; expected ${pixels * 4} for ${image.width} x ${image.height}`);
  }
  const data = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    data[p * 3] = image.data[p * 4];
    data[p * 3 + 1] = image.data[p * 4 + 1];
    data[p * 3 + 2] = image.data[p * 4 + 2];
  }
  return { width: image.width, height: image.height, data };
}

export function rgbToRgba(image: RgbImage): RgbaImage {
  const pixels = image.width * image.height;
  const data = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    data[p * 4] = image.data[p * 3];
    data[p * 4 + 1] = image.data[p * 3 + 1];
    data[p * 4 + 2] = image.data[p * 3 + 2];
    data[p * 4 + 3] = 255;
  }
  return { width: image.width, height: image.height, data };
}

/** Copies the box [left, left + width) x [top, top + height) (PIL `Image.crop` inside the image). */
export function cropImage(image: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  checkImageSize(width, height, 'crop');
  if (left < 0 || top < 0 || left + width > image.width || top + height > image.height) {
    throw new InvalidInputError(
      `crop box (${left}, ${top}, ${left + width}, ${top + height}) lies outside the ${image.width} x ${image.height} image`,
    );
  }
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

/** Writes `source` into `target` with its top-left corner at (x, y) (PIL `paste`, clipped). */
export function pasteImage(target: RgbImage, source: RgbImage, x: number, y: number): void {
  for (let row = 0; row < source.height; row++) {
    const ty = y + row;
    if (ty < 0 || ty >= target.height) continue;
    const x0 = Math.max(0, x);
    const x1 = Math.min(target.width, x + source.width);
    if (x1 <= x0) continue;
    const from = (row * source.width + (x0 - x)) * 3;
    target.data.set(source.data.subarray(from, from + (x1 - x0) * 3), (ty * target.width + x0) * 3);
  }
}
