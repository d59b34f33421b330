/**
 * Heatmaps of one metric over a 2-D parameter grid. The layout is computed once as drawing
 * primitives; heatmapSvg() serialises them and heatmap-png.ts paints the same primitives on a
 * canvas, so the SVG and PNG always agree.
 */
import { InvalidInputError } from '@opticspace/gpu';

export interface HeatmapData {
  title: string;
  xLabel: string;
  yLabel: string;
  xValues: readonly (number | string)[];
  yValues: readonly (number | string)[];
  /** [y][x]; NaN for a missing cell */
  values: readonly (readonly number[])[];
}

export type Primitive =
  | { kind: 'rect'; x: number; y: number; width: number; height: number; fill: string; stroke?: string }
  | { kind: 'text'; x: number; y: number; text: string; size: number; fill: string; anchor: 'start' | 'middle' | 'end'; bold?: boolean; rotate?: boolean };

export interface HeatmapLayout {
  width: number;
  height: number;
  primitives: Primitive[];
}

// Viridis (matplotlib) sampled at 9 stops.
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

function hexToRgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

/** Colour of t in [0, 1] on the viridis scale, and whether dark text reads on it. */
export function viridis(t: number): { fill: string; darkText: boolean } {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (VIRIDIS.length - 1);
  const low = Math.floor(position);
  const high = Math.min(VIRIDIS.length - 1, low + 1);
  const a = hexToRgb(VIRIDIS[low]);
  const b = hexToRgb(VIRIDIS[high]);
  const mix = a.map((channel, index) => Math.round(channel + (b[index] - channel) * (position - low)));
  const fill = `#${mix.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
  return { fill, darkText: 0.299 * mix[0] + 0.587 * mix[1] + 0.114 * mix[2] > 140 };
}

function label(value: number | string): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(4))) : value;
}

export function heatmapLayout(data: HeatmapData): HeatmapLayout {
  const rows = data.yValues.length;
  const columns = data.xValues.length;
  if (rows === 0 || columns === 0) throw new InvalidInputError(`heatmap '${data.title}' needs a non-empty grid, got ${rows} x ${columns}`);
  if (data.values.length !== rows || data.values.some((row) => row.length !== columns)) {
    throw new InvalidInputError(`heatmap '${data.title}': values must be ${rows} rows of ${columns}, got ${data.values.map((row) => row.length).join(',')}`);
  }
  const cell = 64;
  const left = 96;
  const top = 56;
  const legendWidth = 18;
  // Wide enough for the title (about 8.5 px per character at 15 px bold).
  const width = Math.max(left + columns * cell + 24 + legendWidth + 64, Math.ceil(data.title.length * 8.5) + 32);
  const height = top + rows * cell + 64;
  const finite = data.values.flat().filter(Number.isFinite);
  const minimum = finite.length ? Math.min(...finite) : 0;
  const maximum = finite.length ? Math.max(...finite) : 1;
  const span = maximum - minimum || 1;
  const best = finite.length ? maximum : NaN;
  const primitives: Primitive[] = [
    { kind: 'rect', x: 0, y: 0, width, height, fill: '#ffffff' },
    { kind: 'text', x: width / 2, y: 24, text: data.title, size: 15, fill: '#111111', anchor: 'middle', bold: true },
  ];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const value = data.values[y][x];
      const px = left + x * cell;
      const py = top + y * cell;
      if (!Number.isFinite(value)) {
        primitives.push({ kind: 'rect', x: px, y: py, width: cell, height: cell, fill: '#dddddd' });
        primitives.push({ kind: 'text', x: px + cell / 2, y: py + cell / 2 + 4, text: 'n/a', size: 11, fill: '#555555', anchor: 'middle' });
        continue;
      }
      const colour = viridis((value - minimum) / span);
      primitives.push({ kind: 'rect', x: px, y: py, width: cell, height: cell, fill: colour.fill, stroke: value === best ? '#ff2d2d' : undefined });
      primitives.push({ kind: 'text', x: px + cell / 2, y: py + cell / 2 + 4, text: value.toFixed(3), size: 12, fill: colour.darkText ? '#111111' : '#ffffff', anchor: 'middle', bold: value === best });
    }
  }
  data.xValues.forEach((value, x) => {
    primitives.push({ kind: 'text', x: left + x * cell + cell / 2, y: top + rows * cell + 18, text: label(value), size: 12, fill: '#111111', anchor: 'middle' });
  });
  data.yValues.forEach((value, y) => {
    primitives.push({ kind: 'text', x: left - 8, y: top + y * cell + cell / 2 + 4, text: label(value), size: 12, fill: '#111111', anchor: 'end' });
  });
  primitives.push({ kind: 'text', x: left + (columns * cell) / 2, y: top + rows * cell + 42, text: data.xLabel, size: 13, fill: '#111111', anchor: 'middle' });
  primitives.push({ kind: 'text', x: 22, y: top + (rows * cell) / 2, text: data.yLabel, size: 13, fill: '#111111', anchor: 'middle', rotate: true });
  // Colour legend: 8 bands from minimum (bottom) to maximum (top).
  const legendX = left + columns * cell + 24;
  const bands = 8;
  const bandHeight = (rows * cell) / bands;
  for (let band = 0; band < bands; band++) {
    primitives.push({ kind: 'rect', x: legendX, y: top + band * bandHeight, width: legendWidth, height: bandHeight + 0.5, fill: viridis(1 - (band + 0.5) / bands).fill });
  }
  primitives.push({ kind: 'text', x: legendX + legendWidth + 4, y: top + 10, text: maximum.toFixed(3), size: 11, fill: '#111111', anchor: 'start' });
  primitives.push({ kind: 'text', x: legendX + legendWidth + 4, y: top + rows * cell, text: minimum.toFixed(3), size: 11, fill: '#111111', anchor: 'start' });
  return { width, height, primitives };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function heatmapSvg(data: HeatmapData): string {
  const layout = heatmapLayout(data);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="DejaVu Sans, Arial, sans-serif">`,
  ];
  for (const primitive of layout.primitives) {
    if (primitive.kind === 'rect') {
      const stroke = primitive.stroke ? ` stroke="${primitive.stroke}" stroke-width="3"` : '';
      parts.push(`<rect x="${primitive.x}" y="${primitive.y}" width="${primitive.width}" height="${primitive.height}" fill="${primitive.fill}"${stroke}/>`);
    } else {
      const transform = primitive.rotate ? ` transform="rotate(-90 ${primitive.x} ${primitive.y})"` : '';
      const weight = primitive.bold ? ' font-weight="bold"' : '';
      parts.push(`<text x="${primitive.x}" y="${primitive.y}" font-size="${primitive.size}" fill="${primitive.fill}" text-anchor="${primitive.anchor}"${weight}${transform}>${escapeXml(primitive.text)}</text>`);
    }
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
