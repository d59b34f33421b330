import type { Canvas2DFactory } from '../canvas/factory';
import { defaultCanvasFactory } from '../canvas/default-factory';
import { ImageDecodeError, ImageTooLargeError } from '../errors';
import { readImageHeader } from './image-header';
import { rgbaToRgb, type RgbImage } from './rgb-image';

/**
 * Default pixel limit of decodeImage: 100 MP, well above a 600-dpi A4 page (4961 x 7016 =
 * 34.8 MP) or A3 (69.6 MP), far below sizes that exhaust memory (a 20000 x 20000 PNG of 1.2 MB
 * takes 6 GB to decode).
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;

export interface DecodeImageOptions {
  /** Largest width x height accepted, checked from the file header before decoding (default DEFAULT_MAX_IMAGE_PIXELS). */
  maxPixels?: number;
}

/**
 * Decodes PNG or JPEG bytes to RGB (alpha dropped like PIL's convert('RGB')). Node uses
 * @napi-rs/canvas `loadImage`, browsers `createImageBitmap`. Both apply the EXIF
 * orientation, as the reference does with `ImageOps.exif_transpose` (tested in Node).
 * Before decoding, the file's structure is checked (truncated or corrupted files raise
 * ImageDecodeError: decoders would fill the missing part with black) and its size is compared
 * with `maxPixels` (ImageTooLargeError).
 */
export async function decodeImage(bytes: Uint8Array, factory?: Canvas2DFactory, options: DecodeImageOptions = {}): Promise<RgbImage> {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
    throw new ImageDecodeError(`expected non-empty image bytes, got ${bytes instanceof Uint8Array ? '0 bytes' : typeof bytes}`);
  }
  const header = readImageHeader(bytes);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  if (header.width * header.height > maxPixels) throw new ImageTooLargeError(header.width, header.height, maxPixels);
  const canvas = factory ?? (await defaultCanvasFactory());
  const image = rgbaToRgb(await canvas.decodeImage(bytes));
  const sizes = [`${header.width}x${header.height}`, `${header.height}x${header.width}`]; // EXIF may rotate by 90 degrees
  if (!sizes.includes(`${image.width}x${image.height}`)) {
    throw new ImageDecodeError(`the decoder returned ${image.width} x ${image.height} pixels but the ${header.format.toUpperCase()} header says ${header.width} x ${header.height}`);
  }
  return image;
}
