// The resolution-mode table lives in @opticspace/encoder (packages/encoder/src/config.ts); the
// optical pipeline re-exports it so its users need one import.
export {
  DOWNSAMPLE_RATIO,
  PATCH_SIZE,
  RESOLUTION_MODES,
  RESOLUTION_MODE_NAMES,
  resolutionMode,
  tokenGridSide,
  type ResolutionMode,
  type ResolutionModeName,
} from '@opticspace/encoder';
