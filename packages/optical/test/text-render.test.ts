import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@opticspace/gpu';
import {
  createNodeCanvasFactory,
  grayscaleHistogram,
  layoutText,
  pageGeometry,
  pageSizeForMode,
  prepareText,
  renderTextPage,
  renderTextPages,
  wrapText,
} from '../src/index';

// A fixed-advance measure: every code point is 10 px wide.
const fixed = (text: string) => [...text].length * 10;

describe('wrapText (pure)', () => {
  it('wraps greedily at spaces', () => {
    const lines = wrapText('aaa bbb ccc dd', 70, fixed);
    expect(lines.map((l) => l.text)).toEqual(['aaa bbb', 'ccc dd']);
    expect(lines[1].start).toBe(8);
    expect(lines[1].end).toBe(14);
  });
  it('breaks words longer than a line between characters', () => {
    expect(wrapText('abcdefghij xy', 40, fixed).map((l) => l.text)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
  });
  it('keeps explicit newlines and blank lines', () => {
    expect(wrapText('a\n\nb\r\nc', 100, fixed).map((l) => l.text)).toEqual(['a', '', 'b', 'c']);
  });
  it('never produces a line wider than the limit unless a single character is', () => {
    const text = 'the quick brown fox jumps over the lazy dog '.repeat(20);
    for (const line of wrapText(text, 123, fixed)) expect(line.width).toBeLessThanOrEqual(123);
  });
});

describe('page geometry', () => {
  it('uses native view sizes and a 2 x 3 tile page for Gundam', () => {
    expect(pageSizeForMode('tiny')).toEqual({ width: 512, height: 512 });
    expect(pageSizeForMode('large')).toEqual({ width: 1280, height: 1280 });
    expect(pageSizeForMode('gundam')).toEqual({ width: 1280, height: 1920 });
  });
  it('paginates lines', () => {
    const geometry = pageGeometry({ width: 100, height: 100, fontSize: 10, margin: 5, lineHeight: 2 });
    // first baseline 15, advance 20, last baseline must be <= 95 -> 15, 35, 55, 75, 95 = 5 lines.
    expect(geometry.linesPerPage).toBe(5);
    const layout = layoutText('a\n'.repeat(11).trim(), { width: 100, height: 100, fontSize: 10, margin: 5, lineHeight: 2 }, fixed);
    expect(layout.pages.map((p) => p.length)).toEqual([5, 5, 1]);
    expect(layout.pages[1][0].baseline).toBe(15);
  });
  it('rejects pages with no room', () => {
    expect(() => pageGeometry({ width: 20, height: 20, fontSize: 12 })).toThrow(InvalidInputError);
    expect(() => pageGeometry({ width: 100.5, height: 100 })).toThrow(/whole pixels/);
  });
});

describe('rendering with @napi-rs/canvas', async () => {
  const factory = await createNodeCanvasFactory();
  it('draws dark glyph pixels on a white page', () => {
    const page = renderTextPage('Hello optical world', { mode: 'tiny' }, factory);
    expect(page.image.width).toBe(512);
    expect(page.image.data.length).toBe(512 * 512 * 4);
    const histogram = grayscaleHistogram(page.image);
    expect(histogram[255]).toBeGreaterThan(512 * 512 * 0.95);
    let dark = 0;
    for (let i = 0; i < 128; i++) dark += histogram[i];
    expect(dark).toBeGreaterThan(50);
    // Ink lies only inside the text line: nothing above the first line's top.
    const top = page.geometry.firstBaseline - page.geometry.fontSize;
    let inkAbove = 0;
    for (let y = 0; y < top - 2; y++) for (let x = 0; x < 512; x++) if (page.image.data[(y * 512 + x) * 4] !== 255) inkAbove++;
    expect(inkAbove).toBe(0);
  });
  it('supersampled pages use 17 grey levels; canvas pages keep the canvas antialiasing', () => {
    const levels = new Set(Array.from({ length: 17 }, (_, c) => Math.round(255 - (255 * c) / 16)));
    const supersampled = renderTextPage('Grey levels', { mode: 'tiny' }, factory).image.data;
    let offLevel = 0;
    for (let i = 0; i < supersampled.length; i += 4) if (!levels.has(supersampled[i])) offLevel++;
    expect(offLevel).toBe(0);
    const canvas = renderTextPage('Grey levels', { mode: 'tiny', rasterization: 'canvas' }, factory).image.data;
    const canvasLevels = new Set<number>();
    for (let i = 0; i < canvas.length; i += 4) canvasLevels.add(canvas[i]);
    expect(canvasLevels.size).toBeGreaterThan(17);
    // Both put ink in the same place: the darkest pixel of one is dark in the other.
    let darkest = 0;
    for (let i = 0; i < canvas.length; i += 4) if (canvas[i] < canvas[darkest]) darkest = i;
    expect(supersampled[darkest]).toBeLessThan(128);
  });
  it('blends custom colours by coverage', () => {
    const page = renderTextPage('Ink', { mode: 'tiny', fontSize: 40, color: 'rgb(255, 0, 0)', background: 'rgb(0, 0, 255)' }, factory);
    expect(Array.from(page.image.data.subarray(0, 4))).toEqual([0, 0, 255, 255]);
    let red = 0;
    for (let i = 0; i < page.image.data.length; i += 4) if (page.image.data[i] === 255 && page.image.data[i + 2] === 0) red++;
    expect(red).toBeGreaterThan(10);
  });
  it('renders identically twice and differently for different text', () => {
    const a = renderTextPage('same text', { mode: 'tiny' }, factory).image.data;
    const b = renderTextPage('same text', { mode: 'tiny' }, factory).image.data;
    const c = renderTextPage('other text', { mode: 'tiny' }, factory).image.data;
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(c))).not.toBe(0);
  });
  it('spills long text onto more pages and prepares each page', () => {
    const text = 'Optical compression of long documents. '.repeat(300);
    const pages = renderTextPages(text, { mode: 'tiny' }, factory);
    expect(pages.length).toBeGreaterThan(1);
    const joined = pages.flatMap((p) => p.lines.map((l) => l.text)).join(' ');
    expect(joined.replace(/\s+/g, ' ')).toBe(text.trim().replace(/\s+/g, ' '));
    const prepared = prepareText('short', 'gundam', factory);
    expect(prepared.views).toHaveLength(1);
    expect(prepared.views[0].layout.tiles).toEqual({ columns: 2, rows: 3 });
    expect(prepared.views[0].crops).toHaveLength(6);
  });
  it('decodes a PNG it encoded', async () => {
    const { context, canvas } = factory.createCanvas(3, 2);
    context.fillStyle = 'rgb(10, 200, 30)';
    context.fillRect(0, 0, 3, 2);
    const png = (canvas as unknown as { toBuffer(type: string): Buffer }).toBuffer('image/png');
    const decoded = await factory.decodeImage(new Uint8Array(png));
    expect([decoded.width, decoded.height]).toEqual([3, 2]);
    expect(Array.from(decoded.data.subarray(0, 4))).toEqual([10, 200, 30, 255]);
    await expect(factory.decodeImage(new Uint8Array([1, 2, 3]))).rejects.toThrow(/Cannot decode image/);
  });
});
