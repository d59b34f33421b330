import { resolveFloatStorage, type GpuContext } from '@opticspace/gpu';
import { encoderConfigForMode, type EncoderConfig, type ResolutionModeName } from './config';
import { DeepEncoderGpu } from './model/encoder-gpu';
import type { StorageType } from './model/gpu-weights';
import { loadEncoderWeights, type LoadProgress } from './weights/encoder-weights';
import { SafetensorsReader } from './weights/reader';
import type { WeightSource } from './weights/source';

export interface OpenEncoderOptions {
  /** A resolution mode (full-size DeepEncoder for its global view; Gundam: 1024) ... */
  mode?: ResolutionModeName;
  /** ... or an explicit configuration (reduced sizes in tests); wins over `mode`. */
  config?: EncoderConfig;
  /** Storage type on the GPU: 'f16' needs shader-f16; 'auto' uses f16 where present, else f32. Default f32. */
  dtype?: StorageType | 'auto';
  onProgress?: (progress: LoadProgress) => void;
}

/**
 * Reads the encoder's tensors from a safetensors source (file, Blob, HTTP Range: only their
 * byte ranges) and uploads them: the one entry point from a checkpoint to a ready encoder.
 */
export async function openDeepEncoder(ctx: GpuContext, source: WeightSource, options: OpenEncoderOptions = {}): Promise<DeepEncoderGpu> {
  const config = options.config ?? encoderConfigForMode(options.mode ?? 'base');
  const reader = await SafetensorsReader.open(source);
  const weights = await loadEncoderWeights(reader, config, options.onProgress);
  return DeepEncoderGpu.create(ctx, weights, resolveFloatStorage(ctx, options.dtype ?? 'f32'));
}
