import { InvalidInputError, integer } from '@opticspace/gpu';

/** SAM ViT-B part of DeepEncoder (reference: deepencoder/sam_vary_sdpa.py, build_sam_vit_b). */
export interface SamConfig {
  patchSize: number;
  embedDim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  /** Side of the attention windows of non-global blocks (14). */
  windowSize: number;
  /** Blocks that attend over the whole grid ([2, 5, 8, 11]). */
  globalBlocks: number[];
  /** Grid the checkpoint's pos_embed and global rel-pos tables were trained for (64 = 1024 / 16). */
  nativeGrid: number;
  neckChannels: number;
  net2Channels: number;
  net3Channels: number;
  layerNormEps: number;
}

/** CLIP-L part (reference: deepencoder/clip_sdpa.py, vit_model_cfg). */
export interface ClipConfig {
  hidden: number;
  depth: number;
  heads: number;
  mlpDim: number;
  /** Grid of the checkpoint's position_embedding (16: 257 = 16 * 16 + 1 rows). */
  nativeGrid: number;
  layerNormEps: number;
}

export interface EncoderConfig {
  /** Square input side S in pixels. */
  imageSize: number;
  sam: SamConfig;
  clip: ClipConfig;
  /** Projector output width (1280). */
  projectorDim: number;
}

/**
 * DeepSeek-OCR's resolution modes (DeepSeek-OCR-vllm/config.py): the one table every package
 * reads. `baseSize` is the global view's side, `imageSize` the local crop side (Gundam) or the
 * direct-resize side (Tiny, Small); `crop` turns on the Gundam tiling of `dynamic_preprocess`.
 * Design: docs/deepencoder.md.
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

export const RESOLUTION_MODES: Readonly<Record<ResolutionModeName, ResolutionMode>> = {
  tiny: { name: 'tiny', baseSize: 512, imageSize: 512, crop: false, minCrops: 2, maxCrops: 6 },
  small: { name: 'small', baseSize: 640, imageSize: 640, crop: false, minCrops: 2, maxCrops: 6 },
  base: { name: 'base', baseSize: 1024, imageSize: 1024, crop: false, minCrops: 2, maxCrops: 6 },
  large: { name: 'large', baseSize: 1280, imageSize: 1280, crop: false, minCrops: 2, maxCrops: 6 },
  gundam: { name: 'gundam', baseSize: 1024, imageSize: 640, crop: true, minCrops: 2, maxCrops: 6 },
};

/** Every mode's name, in the table's order (CLI choices, UI selects). */
export const RESOLUTION_MODE_NAMES = Object.keys(RESOLUTION_MODES) as ResolutionModeName[];

export function resolutionMode(mode: ResolutionModeName | ResolutionMode | string): ResolutionMode {
  if (typeof mode === 'object') return mode;
  const found = (RESOLUTION_MODES as Record<string, ResolutionMode>)[mode.toLowerCase()];
  if (!found) {
    throw new InvalidInputError(`unknown resolution mode '${mode}'; expected one of ${RESOLUTION_MODE_NAMES.join(', ')}`);
  }
  return found;
}

/** Pixels per SAM patch (patch_embed stride). */
export const PATCH_SIZE = 16;
/** SAM neck + net_2 + net_3 shrink the patch grid by 4 per side (16x fewer positions). */
export const DOWNSAMPLE_RATIO = 4;

/** Side of the token grid of one view: ceil((size / 16) / 4) as in image_process.py. */
export function tokenGridSide(viewSize: number): number {
  return Math.ceil(Math.floor(viewSize / PATCH_SIZE) / DOWNSAMPLE_RATIO);
}

export const DEEPENCODER_SAM: SamConfig = {
  patchSize: 16,
  embedDim: 768,
  depth: 12,
  heads: 12,
  mlpDim: 3072,
  windowSize: 14,
  globalBlocks: [2, 5, 8, 11],
  nativeGrid: 64,
  neckChannels: 256,
  net2Channels: 512,
  net3Channels: 1024,
  layerNormEps: 1e-6,
};

export const DEEPENCODER_CLIP: ClipConfig = {
  hidden: 1024,
  depth: 24,
  heads: 16,
  mlpDim: 4096,
  nativeGrid: 16,
  layerNormEps: 1e-5,
};

/**
 * The full-size DeepEncoder configuration for a mode's global view (its baseSize). Gundam's
 * local crops (imageSize 640) run on an encoder from DeepEncoderGpu.withImageSize.
 */
export function encoderConfigForMode(mode: ResolutionModeName): EncoderConfig {
  const imageSize = resolutionMode(mode).baseSize;
  return { imageSize, sam: { ...DEEPENCODER_SAM, globalBlocks: [...DEEPENCODER_SAM.globalBlocks] }, clip: { ...DEEPENCODER_CLIP }, projectorDim: 1280 };
}

/** Derived sizes used throughout the forward pass. */
export interface EncoderGeometry {
  /** SAM patch grid side (S / 16). */
  samGrid: number;
  /** After net_2 (stride 2). */
  net2Grid: number;
  /** After net_3: CLIP token grid side (S / 64). */
  clipGrid: number;
  /** Output tokens: grid * (grid + 1) + 1. */
  tokenCount: number;
}

export function strideTwoSize(size: number): number {
  // Conv 3x3, stride 2, pad 1: floor((size + 2 - 3) / 2) + 1.
  return Math.floor((size - 1) / 2) + 1;
}

/** Checks that `value` has every field of `template` with the same kind of value (a config read from JSON may lack some). */
function checkConfigFields(template: object, value: unknown, path: string): void {
  for (const [key, expected] of Object.entries(template)) {
    const actual = (value as Record<string, unknown> | null | undefined)?.[key];
    const where = `${path}${key}`;
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || !actual.every((item) => typeof item === 'number')) throw new InvalidInputError(`encoder config: ${where} must be an array of numbers, got ${JSON.stringify(actual)}`);
    } else if (typeof expected === 'object') {
      if (typeof actual !== 'object' || actual === null) throw new InvalidInputError(`encoder config: ${where} must be an object, got ${JSON.stringify(actual)}`);
      checkConfigFields(expected, actual, `${where}.`);
    } else if (typeof actual !== 'number') {
      throw new InvalidInputError(`encoder config: ${where} must be a number, got ${JSON.stringify(actual)}`);
    }
  }
}

/** Checks the configuration's fields and internal consistency and returns derived sizes. */
export function encoderGeometry(config: EncoderConfig): EncoderGeometry {
  checkConfigFields(encoderConfigForMode('base'), config, '');
  const { imageSize, sam, clip } = config;
  const positive = (what: string, value: number) => integer(`encoder config ${what}`, value, 1);
  positive('imageSize', imageSize);
  for (const [key, value] of Object.entries(sam)) if (typeof value === 'number' && key !== 'layerNormEps') positive(`sam.${key}`, value);
  for (const [key, value] of Object.entries(clip)) if (typeof value === 'number' && key !== 'layerNormEps') positive(`clip.${key}`, value);
  positive('projectorDim', config.projectorDim);
  if (imageSize % sam.patchSize !== 0) {
    throw new InvalidInputError(`encoder config: imageSize ${imageSize} is not a multiple of the patch size ${sam.patchSize}`);
  }
  if (sam.embedDim % sam.heads !== 0) throw new InvalidInputError(`encoder config: sam.embedDim ${sam.embedDim} not divisible by ${sam.heads} heads`);
  if (clip.hidden % clip.heads !== 0) throw new InvalidInputError(`encoder config: clip.hidden ${clip.hidden} not divisible by ${clip.heads} heads`);
  if (clip.hidden !== sam.net3Channels) {
    throw new InvalidInputError(`encoder config: clip.hidden ${clip.hidden} must equal sam.net3Channels ${sam.net3Channels} (SAM output is CLIP's patch embedding)`);
  }
  for (const index of sam.globalBlocks) {
    if (!Number.isInteger(index) || index < 0 || index >= sam.depth) {
      throw new InvalidInputError(`encoder config: global block index ${index} outside 0..${sam.depth - 1}`);
    }
  }
  const samGrid = imageSize / sam.patchSize;
  const net2Grid = strideTwoSize(samGrid);
  const clipGrid = strideTwoSize(net2Grid);
  return { samGrid, net2Grid, clipGrid, tokenCount: clipGrid * (clipGrid + 1) + 1 };
}
