import { InvalidInputError } from '@opticspace/gpu';
import { resolutionMode, tokenGridSide, type ResolutionMode, type ResolutionModeName } from '../modes';
import { gundamTileGrid, type TileGrid } from './tiles';

/**
 * Where each output token of the encoder comes from (deepseek_ocr.py,
 * `_pixel_values_to_embedding`). Local crops are stitched into one grid of
 * (rows * side) x (columns * side) tokens with a newline after each row; then the global
 * view's side x side tokens with a newline per row; then one view separator.
 */
export type VisionTokenSource =
  | { kind: 'local'; crop: number; row: number; column: number }
  | { kind: 'global'; row: number; column: number }
  | { kind: 'newline' }
  | { kind: 'separator' };

export interface VisionTokenLayout {
  mode: ResolutionModeName;
  tiles: TileGrid;
  /** Side of each local crop's token grid (0 when there are no local crops). */
  localSide: number;
  /** Side of the global view's token grid. */
  globalSide: number;
  localTokens: number;
  globalTokens: number;
  /** Tokens with image content (no newlines, no separator). */
  contentTokens: number;
  total: number;
}

export function hasLocalCrops(tiles: TileGrid): boolean {
  return tiles.columns > 1 || tiles.rows > 1;
}

/** Token layout for one image of the given size in the given mode. */
export function visionTokenLayout(width: number, height: number, mode: ResolutionModeName | ResolutionMode): VisionTokenLayout {
  const m = resolutionMode(mode);
  const tiles = m.crop ? gundamTileGrid(width, height, m.minCrops, m.maxCrops, m.imageSize) : { columns: 1, rows: 1 };
  const globalSide = tokenGridSide(m.baseSize);
  const localSide = hasLocalCrops(tiles) ? tokenGridSide(m.imageSize) : 0;
  const globalTokens = globalSide * (globalSide + 1);
  const localTokens = localSide === 0 ? 0 : tiles.rows * localSide * (tiles.columns * localSide + 1);
  const contentTokens = globalSide * globalSide + tiles.columns * tiles.rows * localSide * localSide;
  return {
    mode: m.name,
    tiles,
    localSide,
    globalSide,
    localTokens,
    globalTokens,
    contentTokens,
    total: localTokens + globalTokens + 1,
  };
}

/** Number of vision tokens Gundam mode produces for a width x height image (`get_num_image_tokens`). */
export function gundamTokenCount(width: number, height: number): number {
  return visionTokenLayout(width, height, 'gundam').total;
}

/** Every token's origin, in output order (local grid rows, global rows, separator). */
export function* visionTokenSources(layout: VisionTokenLayout): Generator<VisionTokenSource> {
  const { tiles, localSide, globalSide } = layout;
  if (localSide > 0) {
    for (let gridRow = 0; gridRow < tiles.rows * localSide; gridRow++) {
      const tileRow = Math.floor(gridRow / localSide);
      for (let gridColumn = 0; gridColumn < tiles.columns * localSide; gridColumn++) {
        const tileColumn = Math.floor(gridColumn / localSide);
        yield {
          kind: 'local',
          // Crops are numbered row-major over the tile grid (dynamic_preprocess box order).
          crop: tileRow * tiles.columns + tileColumn,
          row: gridRow % localSide,
          column: gridColumn % localSide,
        };
      }
      yield { kind: 'newline' };
    }
  }
  for (let row = 0; row < globalSide; row++) {
    for (let column = 0; column < globalSide; column++) yield { kind: 'global', row, column };
    yield { kind: 'newline' };
  }
  yield { kind: 'separator' };
}

/**
 * Assembles the encoder's per-view features into the output token sequence.
 * `globalFeatures` is [globalSide^2, dims] row-major; `localFeatures[c]` is crop c's
 * [localSide^2, dims]; `newline` and `separator` are [dims] (`image_newline`,
 * `view_seperator`). Returns [layout.total, dims].
 */
export function assembleVisionTokens(
  layout: VisionTokenLayout,
  globalFeatures: Float32Array,
  localFeatures: readonly Float32Array[],
  newline: Float32Array,
  separator: Float32Array,
): Float32Array {
  const dims = newline.length;
  if (separator.length !== dims) throw new InvalidInputError(`separator has ${separator.length} values; expected ${dims}`);
  if (globalFeatures.length !== layout.globalSide * layout.globalSide * dims) {
    throw new InvalidInputError(
      `global features have ${globalFeatures.length} values; expected ${layout.globalSide}^2 x ${dims}`,
    );
  }
  const crops = hasLocalCrops(layout.tiles) ? layout.tiles.columns * layout.tiles.rows : 0;
  if (localFeatures.length !== crops) throw new InvalidInputError(`got ${localFeatures.length} local crops; expected ${crops}`);
  for (const [index, features] of localFeatures.entries()) {
    if (features.length !== layout.localSide * layout.localSide * dims) {
      throw new InvalidInputError(`local crop ${index} has ${features.length} values; expected ${layout.localSide}^2 x ${dims}`);
    }
  }
  const out = new Float32Array(layout.total * dims);
  let position = 0;
  for (const source of visionTokenSources(layout)) {
    const target = out.subarray(position * dims, (position + 1) * dims);
    if (source.kind === 'newline') target.set(newline);
    else if (source.kind === 'separator') target.set(separator);
    else if (source.kind === 'global') {
      const offset = (source.row * layout.globalSide + source.column) * dims;
      target.set(globalFeatures.subarray(offset, offset + dims));
    } else {
      const offset = (source.row * layout.localSide + source.column) * dims;
      target.set(localFeatures[source.crop].subarray(offset, offset + dims));
    }
    position++;
  }
  return out;
}
