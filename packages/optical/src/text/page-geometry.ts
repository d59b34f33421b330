import { InvalidInputError } from '@opticspace/gpu';
import { resolutionMode, type ResolutionModeName } from '../modes';
import { DEFAULT_FONT_FAMILY } from '../canvas/factory';

export interface TextPageOptions {
  /** Resolution mode the page is rendered for (default 'base'); picks page size and font size. */
  mode?: ResolutionModeName;
  /** Page size in pixels; defaults come from the mode (see `pageSizeForMode`). */
  width?: number;
  height?: number;
  /** Font size in CSS pixels (default per mode, see `DEFAULT_FONT_SIZE`). */
  fontSize?: number;
  /** Line advance as a multiple of the font size (default 1.3). */
  lineHeight?: number;
  /** Blank border on every side in pixels (default 2 x font size). */
  margin?: number;
  fontFamily?: string;
  /**
   * 'supersampled' (default): each line is drawn at 4x, thresholded to ink/no ink and
   * box-filtered back (17 grey levels). This removes the runtimes' different text gamma
   * (Chromium darkens glyph edges more than @napi-rs/canvas), so Node and browser pages
   * nearly match. 'canvas': the canvas's own antialiased text.
   */
  rasterization?: 'supersampled' | 'canvas';
  /** CSS colours (defaults: black on white). */
  color?: string;
  background?: string;
}

export interface PageGeometry {
  width: number;
  height: number;
  fontSize: number;
  fontFamily: string;
  /** Pixels between baselines. */
  lineAdvance: number;
  margin: number;
  /** Baseline of the first line, from the top. */
  firstBaseline: number;
  linesPerPage: number;
  maxLineWidth: number;
  color: string;
  background: string;
  font: string;
  rasterization: 'supersampled' | 'canvas';
}

/**
 * Text page sizes: the square views of Tiny/Small/Base/Large are rendered at their native
 * size (no resampling before the encoder); Gundam pages are 1280 x 1920 (2 x 3 tiles of 640,
 * which `count_tiles` picks for that aspect, so every local crop is a pixel-exact cut).
 */
export function pageSizeForMode(mode: ResolutionModeName): { width: number; height: number } {
  const m = resolutionMode(mode);
  if (m.crop) return { width: 2 * m.imageSize, height: 3 * m.imageSize };
  return { width: m.baseSize, height: m.baseSize };
}

/** Default font size per mode, chosen so a line holds about 50-70 characters. */
export const DEFAULT_FONT_SIZE: Readonly<Record<ResolutionModeName, number>> = {
  tiny: 12,
  small: 14,
  base: 20,
  large: 24,
  gundam: 22,
};

export function pageGeometry(options: TextPageOptions = {}): PageGeometry {
  const mode = options.mode ?? 'base';
  const size = pageSizeForMode(mode);
  const width = options.width ?? size.width;
  const height = options.height ?? size.height;
  const fontSize = options.fontSize ?? DEFAULT_FONT_SIZE[mode];
  const lineHeight = options.lineHeight ?? 1.3;
  const margin = options.margin ?? 2 * fontSize;
  for (const [name, value] of Object.entries({ width, height, fontSize, lineHeight }) as Array<[string, number]>) {
    if (!(value > 0) || !Number.isFinite(value)) throw new InvalidInputError(`text page ${name} must be positive, got ${value}`);
  }
  if (!Number.isInteger(width) || !Number.isInteger(height)) {
    throw new InvalidInputError(`text page size must be whole pixels, got ${width} x ${height}`);
  }
  if (!(margin >= 0)) throw new InvalidInputError(`text page margin must be >= 0, got ${margin}`);
  const lineAdvance = Math.round(fontSize * lineHeight);
  const firstBaseline = Math.round(margin + fontSize);
  const usableHeight = height - margin - firstBaseline;
  const linesPerPage = usableHeight < 0 ? 0 : Math.floor(usableHeight / lineAdvance) + 1;
  const maxLineWidth = width - 2 * margin;
  if (linesPerPage < 1 || maxLineWidth < fontSize) {
    throw new InvalidInputError(
      `text page ${width} x ${height} with margin ${margin} has no room for ${fontSize}px text (lines per page ${linesPerPage}, line width ${maxLineWidth})`,
    );
  }
  const fontFamily = options.fontFamily ?? DEFAULT_FONT_FAMILY;
  return {
    width,
    height,
    fontSize,
    fontFamily,
    lineAdvance,
    margin,
    firstBaseline,
    linesPerPage,
    maxLineWidth,
    color: options.color ?? '#000000',
    background: options.background ?? '#ffffff',
    font: `${fontSize}px "${fontFamily}"`,
    rasterization: options.rasterization ?? 'supersampled',
  };
}
