import { CanvasUnavailableError, ImageDecodeError } from '../errors';
import type { RgbaImage } from '../image/rgb-image';
import { DEFAULT_FONT_FAMILY, type Canvas2DFactory, type Context2DLike } from './factory';

/**
 * A Canvas2DFactory on the browser's OffscreenCanvas (works in workers too). For pixel
 * parity with Node, load the same TTF first: `await loadBrowserFont(url)` with the
 * DejaVuSans.ttf that the Node side uses.
 */
export function createBrowserCanvasFactory(): Canvas2DFactory {
  if (typeof OffscreenCanvas === 'undefined') {
    throw new CanvasUnavailableError('OffscreenCanvas is not available in this environment');
  }
  const createCanvas = (width: number, height: number) => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new CanvasUnavailableError('OffscreenCanvas.getContext("2d") returned null');
    return { canvas, context: context as unknown as Context2DLike };
  };
  return {
    name: 'browser-offscreen-canvas',
    fontFamilies: [DEFAULT_FONT_FAMILY],
    // Chromium's text gamma/contrast darkens glyph edges: a pixel that @napi-rs/canvas
    // paints 128 comes out ~99 on average (measured with scripts/measure-browser-parity.mjs,
    // DejaVu Sans, Chromium headless on Linux). Other browsers may differ.
    halfCoverageValue: 99,
    createCanvas,
    async encodePng(image: RgbaImage): Promise<Uint8Array> {
      const canvas = new OffscreenCanvas(image.width, image.height);
      const context = canvas.getContext('2d');
      if (!context) throw new CanvasUnavailableError('OffscreenCanvas.getContext("2d") returned null');
      context.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
      return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    },
    async decodeImage(bytes: Uint8Array): Promise<RgbaImage> {
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(new Blob([bytes as BlobPart]), {
          colorSpaceConversion: 'none',
          premultiplyAlpha: 'none',
        });
      } catch (error) {
        throw new ImageDecodeError(`${(error as Error).message} (${bytes.byteLength} bytes)`, { cause: error });
      }
      // Read the size before close(): a closed ImageBitmap reports 0 x 0.
      const { width, height } = bitmap;
      const { context } = createCanvas(width, height);
      (context as unknown as OffscreenCanvasRenderingContext2D).drawImage(bitmap, 0, 0);
      bitmap.close();
      const data = context.getImageData(0, 0, width, height);
      return { width: data.width, height: data.height, data: data.data };
    },
  };
}

/** Registers a font file (e.g. DejaVuSans.ttf served by the page) under `family` in the document or worker. */
export async function loadBrowserFont(url: string, family = DEFAULT_FONT_FAMILY): Promise<void> {
  const face = new FontFace(family, `url(${url})`);
  await face.load();
  (globalThis as unknown as { fonts?: FontFaceSet; document?: Document }).document?.fonts.add(face);
  (globalThis as unknown as { fonts?: FontFaceSet }).fonts?.add(face);
}
