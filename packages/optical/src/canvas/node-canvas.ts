import { CanvasUnavailableError, ImageDecodeError } from '../errors';
import type { RgbaImage } from '../image/rgb-image';
import { DEFAULT_FONT_FAMILY, DEFAULT_FONT_PATHS, type Canvas2DFactory, type Context2DLike } from './factory';

interface NapiCanvasModule {
  createCanvas(width: number, height: number): { width: number; height: number; getContext(kind: '2d'): unknown; toBuffer(type: 'image/png'): Uint8Array };
  ImageData: new (data: Uint8ClampedArray, width: number, height: number) => unknown;
  loadImage(source: Uint8Array): Promise<{ width: number; height: number }>;
  GlobalFonts: { registerFromPath(path: string, alias?: string): unknown; has(name: string): boolean };
}

export interface NodeCanvasOptions {
  /** TTF files to register, as [path, family] pairs (default: DejaVu Sans from fonts-dejavu-core). */
  fonts?: Array<[string, string]>;
}

/**
 * A Canvas2DFactory on `@napi-rs/canvas` (prebuilt Skia). The module is imported lazily
 * with a computed specifier so browser bundles never try to include it.
 */
export async function createNodeCanvasFactory(options: NodeCanvasOptions = {}): Promise<Canvas2DFactory> {
  const specifier = '@napi-rs/canvas';
  let module: NapiCanvasModule;
  try {
    module = (await import(/* @vite-ignore */ specifier)) as NapiCanvasModule;
  } catch (error) {
    throw new CanvasUnavailableError(`@napi-rs/canvas could not be loaded: ${(error as Error).message}`, { cause: error });
  }
  const fsSpecifier = 'node:fs';
  const { existsSync } = (await import(/* @vite-ignore */ fsSpecifier)) as typeof import('node:fs');
  const fonts = options.fonts ?? DEFAULT_FONT_PATHS.filter((path) => existsSync(path)).slice(0, 1).map((path) => [path, DEFAULT_FONT_FAMILY] as [string, string]);
  for (const [path, family] of fonts) {
    if (!existsSync(path)) throw new CanvasUnavailableError(`font file ${path} does not exist`);
    module.GlobalFonts.registerFromPath(path, family);
  }
  const families = [...new Set(fonts.map(([, family]) => family))];
  if (!options.fonts && !module.GlobalFonts.has(DEFAULT_FONT_FAMILY)) {
    throw new CanvasUnavailableError(
      `font '${DEFAULT_FONT_FAMILY}' is not available; install the Debian package fonts-dejavu-core (looked in ${DEFAULT_FONT_PATHS.join(', ')})`,
    );
  }
  if (!families.includes(DEFAULT_FONT_FAMILY) && module.GlobalFonts.has(DEFAULT_FONT_FAMILY)) families.push(DEFAULT_FONT_FAMILY);

  const createCanvas = (width: number, height: number) => {
    const canvas = module.createCanvas(width, height);
    return { canvas, context: canvas.getContext('2d') as Context2DLike };
  };
  return {
    name: 'node-napi-canvas',
    fontFamilies: families,
    // @napi-rs/canvas rasterises glyph coverage linearly: half coverage is ~128.
    halfCoverageValue: 128,
    createCanvas,
    async encodePng(image: RgbaImage): Promise<Uint8Array> {
      const canvas = module.createCanvas(image.width, image.height);
      const context = canvas.getContext('2d') as { putImageData(data: unknown, x: number, y: number): void };
      context.putImageData(new module.ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
      return new Uint8Array(canvas.toBuffer('image/png'));
    },
    async decodeImage(bytes: Uint8Array): Promise<RgbaImage> {
      let image: { width: number; height: number };
      try {
        image = await module.loadImage(bytes);
      } catch (error) {
        throw new ImageDecodeError(`${(error as Error).message} (${bytes.byteLength} bytes)`, { cause: error });
      }
      if (!(image.width > 0 && image.height > 0)) throw new ImageDecodeError(`decoded size is ${image.width} x ${image.height}`);
      const { context } = createCanvas(image.width, image.height);
      (context as unknown as { drawImage(image: unknown, x: number, y: number): void }).drawImage(image, 0, 0);
      const data = context.getImageData(0, 0, image.width, image.height);
      return { width: image.width, height: image.height, data: data.data };
    },
  };
}
