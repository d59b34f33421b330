import type { Canvas2DFactory } from '../canvas/factory';
import type { PageGeometry } from './page-geometry';

/** Samples per pixel side in supersampled rasterisation (4 x 4 = 16 samples, 17 grey levels). */
export const SUPERSAMPLE_FACTOR = 4;

/** Reads the RGB of a CSS colour by painting one pixel. */
function cssColorToRgb(factory: Canvas2DFactory, color: string): [number, number, number] {
  const { context } = factory.createCanvas(1, 1);
  context.fillStyle = color;
  context.fillRect(0, 0, 1, 1);
  const data = context.getImageData(0, 0, 1, 1).data;
  return [data[0], data[1], data[2]];
}

/**
 * Ink coverage of a page, [height, width] in sixteenths: every line is drawn black on white
 * at 4x in its own strip, each sample counts as ink when its value is below the runtime's half-coverage value, and each
 * pixel's coverage is the number of ink samples among its 4 x 4. Strips may overlap
 * (descenders); coverage takes the maximum.
 */
export function supersampledCoverage(
  factory: Canvas2DFactory,
  geometry: PageGeometry,
  lines: ReadonlyArray<{ text: string; x: number; baseline: number }>,
): Uint8Array {
  const { width, height, fontSize } = geometry;
  const factor = SUPERSAMPLE_FACTOR;
  const coverage = new Uint8Array(width * height);
  const above = Math.ceil(1.25 * fontSize);
  const below = Math.ceil(0.5 * fontSize);
  const stripRows = above + below;
  const threshold = factory.halfCoverageValue;
  const { context } = factory.createCanvas(width * factor, stripRows * factor);
  for (const line of lines) {
    if (!line.text) continue;
    const top = line.baseline - above;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width * factor, stripRows * factor);
    context.setTransform(factor, 0, 0, factor, 0, 0);
    context.fillStyle = '#000000';
    context.font = geometry.font;
    context.textBaseline = 'alphabetic';
    context.textAlign = 'left';
    context.fillText(line.text, line.x, line.baseline - top);
    const samples = context.getImageData(0, 0, width * factor, stripRows * factor).data;
    const sampleWidth = width * factor;
    for (let row = 0; row < stripRows; row++) {
      const y = top + row;
      if (y < 0 || y >= height) continue;
      for (let x = 0; x < width; x++) {
        let ink = 0;
        for (let sy = 0; sy < factor; sy++) {
          let offset = ((row * factor + sy) * sampleWidth + x * factor) * 4;
          for (let sx = 0; sx < factor; sx++, offset += 4) if (samples[offset] < threshold) ink++;
        }
        const index = y * width + x;
        if (ink > coverage[index]) coverage[index] = ink;
      }
    }
  }
  return coverage;
}

/** RGBA page from coverage: background blended towards the text colour by coverage / 16. */
export function composeCoverage(factory: Canvas2DFactory, geometry: PageGeometry, coverage: Uint8Array): Uint8ClampedArray {
  const background = cssColorToRgb(factory, geometry.background);
  const color = cssColorToRgb(factory, geometry.color);
  const samples = SUPERSAMPLE_FACTOR * SUPERSAMPLE_FACTOR;
  const out = new Uint8ClampedArray(geometry.width * geometry.height * 4);
  for (let i = 0; i < coverage.length; i++) {
    const c = coverage[i];
    for (let channel = 0; channel < 3; channel++) {
      // Integer rounding of bg + (fg - bg) * c / 16, identical in every runtime.
      out[i * 4 + channel] = Math.round(background[channel] + ((color[channel] - background[channel]) * c) / samples);
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}
