import type { ResolutionModeName } from '../modes';
import type { Canvas2DFactory } from '../canvas/factory';
import { rgbaToRgb } from '../image/rgb-image';
import { prepareImage, type PreparedImage } from '../image/prepare';
import { renderTextPages, type RenderedTextPage } from './render';
import type { TextPageOptions } from './page-geometry';

export interface PreparedText {
  pages: RenderedTextPage[];
  /** Encoder inputs, one per page. */
  views: PreparedImage[];
}

/** Renders `text` on pages sized for `mode` and preprocesses each page like an image. */
export function prepareText(text: string, mode: ResolutionModeName, factory: Canvas2DFactory, options: Omit<TextPageOptions, 'mode'> = {}): PreparedText {
  const pages = renderTextPages(text, { ...options, mode }, factory);
  return { pages, views: pages.map((page) => prepareImage(rgbaToRgb(page.image), mode)) };
}
