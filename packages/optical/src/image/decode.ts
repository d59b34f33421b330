import type { Canvas2DFactory } from '../canvas/factory';
import { defaultCanvasFactory } from '../canvas/default-factory';
import { ImageDecodeError } from '../errors';
import { rgbaToRgb, type RgbImage } from './rgb-image';

/**
 * Decodes PNG or JPEG bytes to RGB (alpha dropped like PIL's convert('RGB')). Node uses
 * @napi-rs/canvas `loadImage`, browsers `createImageBitmap`. Both apply the EXIF
 * orientation, as the reference does with `ImageOps.exif_transpose` (tested in Node).
 */
export async function decodeImage(bytes: Uint8Array, factory?: Canvas2DFactory): Promise<RgbImage> {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
    throw new ImageDecodeError(`expected non-empty image bytes, got ${bytes instanceof Uint8Array ? '0 bytes' : typeof bytes}`);
  }
  const canvas = factory ?? (await defaultCanvasFactory());
  return rgbaToRgb(await canvas.decodeImage(bytes));
}
