import { InvalidInputError } from '@opticspace/gpu';

/** A tile grid: `columns` tiles across (width), `rows` down (height). */
export interface TileGrid {
  columns: number;
  rows: number;
}

/**
 * Candidate grids of image_process.py: every (i, j) with min <= i * j <= max, ordered by
 * tile count. Python sorts a set, so same-count grids come in set-iteration order (e.g.
 * (3, 1) before (1, 3)); we order them by columns. The choice cannot change the result for
 * max 6 or 9: same-count grids never tie as the nearest ratio (tested over every exact
 * midpoint between candidate ratios in test/gundam.test.ts).
 */
export function targetTileGrids(minCrops: number, maxCrops: number): TileGrid[] {
  if (!Number.isInteger(minCrops) || !Number.isInteger(maxCrops) || minCrops < 1 || maxCrops < minCrops) {
    throw new InvalidInputError(`crop bounds must be integers with 1 <= min <= max, got min ${minCrops}, max ${maxCrops}`);
  }
  const grids: TileGrid[] = [];
  for (let i = 1; i <= maxCrops; i++) {
    for (let j = 1; j <= maxCrops; j++) {
      if (i * j >= minCrops && i * j <= maxCrops) grids.push({ columns: i, rows: j });
    }
  }
  return grids.sort((a, b) => a.columns * a.rows - b.columns * b.rows || a.columns - b.columns || a.rows - b.rows);
}

/**
 * `find_closest_aspect_ratio`: the grid whose columns/rows is nearest the image's
 * width/height. On an exact tie the later (larger) grid wins when the image area exceeds
 * half the area of that grid's tiles.
 */
export function findClosestTileGrid(width: number, height: number, grids: readonly TileGrid[], tileSize: number): TileGrid {
  const aspect = width / height;
  const area = width * height;
  let bestDifference = Infinity;
  let best: TileGrid = { columns: 1, rows: 1 };
  for (const grid of grids) {
    const difference = Math.abs(aspect - grid.columns / grid.rows);
    if (difference < bestDifference) {
      bestDifference = difference;
      best = grid;
    } else if (difference === bestDifference && area > 0.5 * tileSize * tileSize * grid.columns * grid.rows) {
      best = grid;
    }
  }
  return { columns: best.columns, rows: best.rows };
}

/** `count_tiles(width, height)` of image_process.py (Gundam: 640 tiles, 2 to 6 of them). */
export function countTiles(width: number, height: number, minCrops = 2, maxCrops = 6, tileSize = 640): TileGrid {
  if (!(width > 0) || !(height > 0) || !Number.isFinite(width) || !Number.isFinite(height)) {
    throw new InvalidInputError(`image size must be positive and finite, got ${width} x ${height}`);
  }
  return findClosestTileGrid(width, height, targetTileGrids(minCrops, maxCrops), tileSize);
}

/**
 * The grid Gundam actually uses (`tokenize_with_images`): an image no larger than one tile
 * in both directions gets no local crops (1 x 1, global view only); larger ones get
 * `count_tiles`.
 */
export function gundamTileGrid(width: number, height: number, minCrops = 2, maxCrops = 6, tileSize = 640): TileGrid {
  if (width <= tileSize && height <= tileSize) {
    if (!(width > 0) || !(height > 0)) throw new InvalidInputError(`image size must be positive, got ${width} x ${height}`);
    return { columns: 1, rows: 1 };
  }
  return countTiles(width, height, minCrops, maxCrops, tileSize);
}
