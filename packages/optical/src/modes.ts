import { InvalidInputError } from '@opticspace/gpu';

/**
 * DeepSeek-OCR resolution modes (DeepSeek-OCR-vllm/config.py). `baseSize` is the global
 * view's side, `imageSize` the local crop side (Gundam) or the direct-resize side (Tiny,
 * Small); `crop` turns on the Gundam tiling of `dynamic_preprocess`.
 */
export type ResolutionModeName = 'tiny' | 'small' | 'base' | 'large' | 'gundam';

export interface ResolutionMode {
  name: ResolutionModeName;
  baseSize: number;
  imageSize: number;
  crop: boolean;
  /** Tile-count bounds for Gundam (`MIN_CROPS`, `MAX_CROPS` in config.py). */
  minCrops: number;
  maxCrops: number;
}

/** Pixels per SAM patch (patch_embed stride). */
export const PATCH_SIZE = 16;
/** SAM neck + net_2 + net_3 shrink the patch grid by 4 per side (16x fewer positions). */
export const DOWNSAMPLE_RATIO = 4;

export const RESOLUTION_MODES: Readonly<Record<ResolutionModeName, ResolutionMode>> = {
  tiny: { name: 'tiny', baseSize: 512, imageSize: 512, crop: false, minCrops: 2, maxCrops: 6 },
  small: { name: 'small', baseSize: 640, imageSize: 640, crop: false, minCrops: 2, maxCrops: 6 },
  base: { name: 'base', baseSize: 1024, imageSize: 1024, crop: false, minCrops: 2, maxCrops: 6 },
  large: { name: 'large', baseSize: 1280, imageSize: 1280, crop: false, minCrops: 2, maxCrops: 6 },
  gundam: { name: 'gundam', baseSize: 1024, imageSize: 640, crop: true, minCrops: 2, maxCrops: 6 },
};

export function resolutionMode(mode: ResolutionModeName | ResolutionMode | string): ResolutionMode {
  if (typeof mode === 'object') return mode;
  const found = (RESOLUTION_MODES as Record<string, ResolutionMode>)[mode.toLowerCase()];
  if (!found) {
    throw new InvalidInputError(`unknown resolution mode '${mode}'; expected one of ${Object.keys(RESOLUTION_MODES).join(', ')}`);
  }
  return found;
}

/** Side of the token grid of one view: ceil((size / 16) / 4) as in image_process.py. */
export function tokenGridSide(viewSize: number): number {
  return Math.ceil(Math.floor(viewSize / PATCH_SIZE) / DOWNSAMPLE_RATIO);
}
