import { resolveFloatStorage, type GpuContext } from '@opticspace/gpu';
import { encoderConfigForMode, type EncoderConfig, type ResolutionModeName } from './config';
import { DeepEncoderGpu } from './model/encoder-gpu';
import { GpuEncoderWeights, type StorageType } from './model/gpu-weights';
import type { LoadProgress } from './weights/encoder-weights';
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
 * Streams the encoder's tensors from a safetensors source (file, Blob, HTTP Range: only their
 * byte ranges, a few MiB at a time) straight into GPU buffers: the one entry point from a
 * checkpoint to a ready encoder.
 */
export async function openDeepEncoder(ctx: GpuContext, source: WeightSource, options: OpenEncoderOptions = {}): Promise<DeepEncoderGpu> {
  const config = options.config ?? encoderConfigForMode(options.mode ?? 'base');
  const dtype = resolveFloatStorage(ctx, options.dtype ?? 'f32');
  const reader = await SafetensorsReader.open(source);
  return DeepEncoderGpu.fromWeights(await GpuEncoderWeights.stream(ctx, reader, config, dtype, options.onProgress));
}
