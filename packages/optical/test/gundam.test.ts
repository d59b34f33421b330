import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@opticspace/gpu';
import {
  assembleVisionTokens,
  countTiles,
  findClosestTileGrid,
  gundamTileGrid,
  gundamTokenCount,
  targetTileGrids,
  visionTokenLayout,
  visionTokenSources,
} from '../src/index';

// Expected grids worked out by hand from image_process.py: candidates (columns, rows) with
// 2 <= columns * rows <= 6, ratio columns / rows; the nearest ratio to width / height wins;
// on an exact tie the later (more tiles) candidate wins iff width * height > 0.5 * 640^2 * tiles.
describe('count_tiles', () => {
  it('lists the 13 candidate grids of 2..6 tiles in tile-count order', () => {
    const grids = targetTileGrids(2, 6).map((g) => `${g.columns}x${g.rows}`);
    expect(grids).toEqual(['1x2', '2x1', '1x3', '3x1', '1x4', '2x2', '4x1', '1x5', '5x1', '1x6', '2x3', '3x2', '6x1']);
  });
  const cases: Array<[number, number, number, number, string]> = [
    [1000, 1000, 2, 2, 'square -> ratio 1'],
    [1280, 1920, 2, 3, 'portrait 2:3 exactly'],
    [800, 600, 3, 2, '4:3 -> nearest 1.5 (diff 0.167 vs 0.333 for 1)'],
    [2000, 500, 4, 1, '4:1'],
    [10000, 100, 6, 1, 'extreme wide 100:1 -> widest grid 6x1'],
    [100, 10000, 1, 6, 'extreme tall 1:100 -> tallest grid 1x6'],
    [1250, 1000, 3, 2, 'tie 1.25 between 1 and 1.5; area 1.25M > 0.5*640^2*6 = 1.2288M -> later 3x2'],
    [1000, 800, 2, 2, 'tie 1.25; area 0.8M <= 1.2288M -> keeps 2x2'],
    [1750, 1000, 3, 2, 'tie 1.75 between 2 (2x1) and 1.5 (3x2); area 1.75M > 1.2288M -> 3x2'],
    [700, 400, 2, 1, 'tie 1.75; area 0.28M -> keeps 2x1'],
    [2500, 1000, 3, 1, 'tie 2.5 between 2x1 and 3x1; area 2.5M > 0.5*640^2*3 = 0.6144M -> 3x1'],
    [641, 640, 2, 2, 'just over one tile'],
  ];
  for (const [width, height, columns, rows, why] of cases) {
    it(`${width}x${height} -> ${columns}x${rows} (${why})`, () => {
      expect(countTiles(width, height)).toEqual({ columns, rows });
    });
  }
  it('does not depend on the order of same-count grids (Python iterates a set there), for max crops 6 and 9', () => {
    // Every exact midpoint between two candidate ratios, at areas below and above every
    // tie threshold, gives the same grid whichever way same-count grids are ordered.
    for (const maxCrops of [6, 9]) {
      const grids = targetTileGrids(2, maxCrops);
      const reversed = grids.slice().sort((a, b) => a.columns * a.rows - b.columns * b.rows || b.columns - a.columns);
      for (const g1 of grids) {
        for (const g2 of grids) {
          const width = g1.columns * g2.rows + g2.columns * g1.rows;
          const height = 2 * g1.rows * g2.rows;
          for (const scale of [1, 7, 40, 400]) {
            const a = findClosestTileGrid(width * scale, height * scale, grids, 640);
            const b = findClosestTileGrid(width * scale, height * scale, reversed, 640);
            expect(a, `${width * scale}x${height * scale}, max ${maxCrops}`).toEqual(b);
          }
        }
      }
    }
  });
  it('gives no local crops to images within one tile', () => {
    expect(gundamTileGrid(640, 640)).toEqual({ columns: 1, rows: 1 });
    expect(gundamTileGrid(100, 600)).toEqual({ columns: 1, rows: 1 });
  });
  it('rejects bad sizes and bounds', () => {
    expect(() => countTiles(0, 10)).toThrow(InvalidInputError);
    expect(() => countTiles(Number.NaN, 10)).toThrow(InvalidInputError);
    expect(() => targetTileGrids(5, 2)).toThrow(/min 5, max 2/);
  });
});

describe('Gundam token counts (get_num_image_tokens)', () => {
  // global: 16 x (16 + 1) = 272; local: rows*10 x (columns*10 + 1); + 1 separator.
  it.each([
    [600, 600, 273],
    [1000, 1000, 20 * 21 + 273],
    [1280, 1920, 30 * 21 + 273],
    [2000, 500, 10 * 41 + 273],
    [10000, 100, 10 * 61 + 273],
    [100, 10000, 60 * 11 + 273],
  ])('%i x %i -> %i tokens', (width, height, expected) => {
    expect(gundamTokenCount(width, height)).toBe(expected);
  });
  it('gives (S/64)^2 + newlines + separator for the square modes', () => {
    expect(visionTokenLayout(3000, 20, 'tiny').total).toBe(73);
    expect(visionTokenLayout(3000, 20, 'small').total).toBe(111);
    expect(visionTokenLayout(3000, 20, 'base').total).toBe(273);
    expect(visionTokenLayout(3000, 20, 'large').total).toBe(421);
  });
});

describe('token layout order', () => {
  it('puts the stitched local grid first, then global rows, then the separator', () => {
    const layout = visionTokenLayout(2000, 1000, 'gundam'); // 2 x 1 tiles
    expect(layout.tiles).toEqual({ columns: 2, rows: 1 });
    const sources = [...visionTokenSources(layout)];
    expect(sources.length).toBe(layout.total);
    // First local row: 10 tokens of crop 0, 10 of crop 1, newline.
    expect(sources.slice(0, 21).map((s) => (s.kind === 'local' ? s.crop : s.kind))).toEqual([
      ...Array(10).fill(0),
      ...Array(10).fill(1),
      'newline',
    ]);
    expect(sources[layout.localTokens]).toEqual({ kind: 'global', row: 0, column: 0 });
    expect(sources[layout.total - 2]).toEqual({ kind: 'newline' });
    expect(sources[layout.total - 1]).toEqual({ kind: 'separator' });
  });

  it('assembles features in that order', () => {
    const layout = visionTokenLayout(1500, 700, 'gundam'); // 2 x 1 tiles
    const dims = 2;
    const side = layout.localSide;
    const crop = (id: number) => Float32Array.from({ length: side * side * dims }, (_, i) => id * 1000 + Math.floor(i / dims));
    const global = Float32Array.from({ length: 16 * 16 * dims }, (_, i) => -1 - Math.floor(i / dims));
    const out = assembleVisionTokens(layout, global, [crop(1), crop(2)], Float32Array.of(7, 7), Float32Array.of(9, 9));
    const token = (t: number) => out[t * dims];
    expect(token(0)).toBe(1000); // crop 0, row 0, col 0
    expect(token(10)).toBe(2000); // crop 1, row 0, col 0
    expect(token(20)).toBe(7); // newline
    expect(token(21)).toBe(1010); // crop 0, row 1, col 0
    expect(token(layout.localTokens)).toBe(-1);
    expect(token(layout.localTokens + 16)).toBe(7);
    expect(token(layout.total - 1)).toBe(9);
    expect(() => assembleVisionTokens(layout, global, [crop(1)], Float32Array.of(7, 7), Float32Array.of(9, 9))).toThrow(
      /got 1 local crops; expected 2/,
    );
  });
});
