import { DeepEncoderGpu, type EncoderWeights, type StorageType } from '@opticspace/encoder';
import type { GpuContext } from '@opticspace/gpu';
import type { ViewEncoder } from './view-encoder';
import { globalViewFeatures } from './global-view-features';
import { weightsForViewSize } from './reference-view-encoder';

export interface GpuViewEncoder extends ViewEncoder {
  dispose(): void;
}

/**
 * A ViewEncoder on the encoder package's WebGPU DeepEncoder. One GPU encoder is created
 * per view size on first use (Gundam needs two: 640 crops and the 1024 global view); each
 * holds its own copy of the weights on the GPU until `dispose()`.
 */
export function gpuViewEncoder(ctx: GpuContext, weights: EncoderWeights, dtype: StorageType = 'f32'): GpuViewEncoder {
  const forSize = weightsForViewSize(weights);
  const encoders = new Map<number, DeepEncoderGpu>();
  const dims = weights.config.projectorDim;
  return {
    dims,
    newline: weights.get('model.image_newline'),
    separator: weights.get('model.view_seperator'),
    async encodeView(pixels: Float32Array, size: number): Promise<Float32Array> {
      let encoder = encoders.get(size);
      if (!encoder) {
        encoder = DeepEncoderGpu.create(ctx, forSize(size), dtype);
        encoders.set(size, encoder);
      }
      return globalViewFeatures((await encoder.encode(pixels)).tokens, dims);
    },
    dispose() {
      for (const encoder of encoders.values()) encoder.dispose();
      encoders.clear();
    },
  };
}
