import { InvalidInputError } from '@opticspace/gpu';
import type { Canvas2DFactory, Context2DLike } from '../canvas/factory';
import type { RgbaImage } from '../image/rgb-image';
import { pageGeometry, type PageGeometry, type TextPageOptions } from './page-geometry';
import { wrapText, type TextLine } from './wrap';
import { composeCoverage, supersampledCoverage } from './supersample';

export interface PlacedLine extends TextLine {
  /** Left edge and baseline of the line on its page, in pixels. */
  x: number;
  baseline: number;
}

export interface TextLayout {
  geometry: PageGeometry;
  /** Lines per page, in order. */
  pages: PlacedLine[][];
}

export interface RenderedTextPage {
  /** RGBA pixels of the page (ImageData layout). */
  image: RgbaImage;
  pageIndex: number;
  pageCount: number;
  lines: PlacedLine[];
  geometry: PageGeometry;
}

/** Wraps `text` with the canvas's own text measurement and splits it into pages. */
export function layoutText(text: string, options: TextPageOptions, measure: (text: string) => number): TextLayout {
  if (typeof text !== 'string') throw new InvalidInputError(`text must be a string, got ${typeof text}`);
  const geometry = pageGeometry(options);
  const lines = wrapText(text, geometry.maxLineWidth, measure);
  const pages: PlacedLine[][] = [];
  for (let i = 0; i < lines.length; i += geometry.linesPerPage) {
    pages.push(
      lines.slice(i, i + geometry.linesPerPage).map((line, row) => ({
        ...line,
        x: geometry.margin,
        baseline: geometry.firstBaseline + row * geometry.lineAdvance,
      })),
    );
  }
  if (pages.length === 0) pages.push([]);
  return { geometry, pages };
}

function measureWith(context: Context2DLike, font: string): (text: string) => number {
  context.font = font;
  return (text) => context.measureText(text).width;
}

function drawPage(context: Context2DLike, geometry: PageGeometry, lines: readonly PlacedLine[]): void {
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.fillStyle = geometry.background;
  context.fillRect(0, 0, geometry.width, geometry.height);
  context.fillStyle = geometry.color;
  context.font = geometry.font;
  context.textBaseline = 'alphabetic';
  context.textAlign = 'left';
  for (const line of lines) if (line.text) context.fillText(line.text, line.x, line.baseline);
}

function rasterisePage(factory: Canvas2DFactory, context: Context2DLike, geometry: PageGeometry, lines: readonly PlacedLine[]): Uint8ClampedArray {
  if (geometry.rasterization === 'supersampled') return composeCoverage(factory, geometry, supersampledCoverage(factory, geometry, lines));
  drawPage(context, geometry, lines);
  return new Uint8ClampedArray(context.getImageData(0, 0, geometry.width, geometry.height).data);
}

/**
 * Lays out and renders pages of `text` (all, or the first `maxPages`). The same code runs
 * on @napi-rs/canvas (Node) and OffscreenCanvas (browser); only the factory differs.
 */
export function renderTextPages(text: string, options: TextPageOptions, factory: Canvas2DFactory, maxPages = Infinity): RenderedTextPage[] {
  const geometry = pageGeometry(options);
  const { context } = factory.createCanvas(geometry.width, geometry.height);
  const layout = layoutText(text, options, measureWith(context, geometry.font));
  return layout.pages.slice(0, maxPages).map((lines, pageIndex) => ({
    image: { width: geometry.width, height: geometry.height, data: rasterisePage(factory, context, geometry, lines) },
    pageIndex,
    pageCount: layout.pages.length,
    lines,
    geometry,
  }));
}

/** The first page of `text` (for the browser parity check: same text + options -> same pixels). */
export function renderTextPage(text: string, options: TextPageOptions, factory: Canvas2DFactory): RenderedTextPage {
  return renderTextPages(text, options, factory, 1)[0];
}
