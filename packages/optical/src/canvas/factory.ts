import type { RgbaImage } from '../image/rgb-image';

/**
 * The slice of the Canvas 2D API the optical pipeline uses. Both the browser's
 * OffscreenCanvas and `@napi-rs/canvas` (Skia in both cases) provide it, so layout and
 * drawing code is written once against this shape.
 */
export interface Context2DLike {
  font: string;
  fillStyle: unknown;
  textBaseline: string;
  textAlign: string;
  fillRect(x: number, y: number, width: number, height: number): void;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray | Uint8Array; width: number; height: number };
}

export interface Canvas2DLike {
  width: number;
  height: number;
}

export interface Canvas2DFactory {
  /** 'node-napi-canvas' or 'browser-offscreen-canvas'. */
  readonly name: string;
  createCanvas(width: number, height: number): { canvas: Canvas2DLike; context: Context2DLike };
  /** Decodes PNG/JPEG bytes to RGBA (not premultiplied). */
  decodeImage(bytes: Uint8Array): Promise<RgbaImage>;
  /** Encodes RGBA pixels as PNG (debugging, CLI `--save-pages`). */
  encodePng(image: RgbaImage): Promise<Uint8Array>;
  /**
   * Sample value below which a black-on-white text sample counts as ink in supersampled
   * rendering: the value this runtime's text rasteriser gives a half-covered pixel.
   */
  readonly halfCoverageValue: number;
  /** Families that are certain to be available for `font` strings. */
  readonly fontFamilies: readonly string[];
}

/** The font text pages use. DejaVu Sans ships in Debian's fonts-dejavu-core package. */
export const DEFAULT_FONT_FAMILY = 'DejaVu Sans';
export const DEFAULT_FONT_PATHS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
];
