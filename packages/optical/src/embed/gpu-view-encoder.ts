import { DeepEncoderGpu, type EncoderWeights, type StorageType } from '@opticspace/encoder';
import type { GpuContext } from '@opticspace/gpu';
import type { ViewEncoder } from './view-encoder';
import { globalViewFeatures } from './global-view-features';

export interface GpuViewEncoder extends ViewEncoder {
  dispose(): void;
}

/**
 * A ViewEncoder on the encoder package's WebGPU DeepEncoder, from host weights (uploaded on
 * first use) or an encoder already on the GPU (e.g. openDeepEncoder's, streamed from a
 * checkpoint; the view encoder then owns and disposes it). Each further view size (Gundam: 640
 * crops beside the 1024 global view) gets an encoder from `withImageSize`, which shares every
 * size-independent tensor on the GPU.
 */
export function gpuViewEncoder(ctx: GpuContext, weights: EncoderWeights | DeepEncoderGpu, dtype: StorageType = 'f32'): GpuViewEncoder {
  const encoders = new Map<number, DeepEncoderGpu>();
  let first: DeepEncoderGpu | null = weights instanceof DeepEncoderGpu ? weights : null;
  const host = weights instanceof DeepEncoderGpu ? weights.weights.host : weights;
  const dims = host.config.projectorDim;
  return {
    dims,
    newline: host.get('model.image_newline'),
    separator: host.get('model.view_seperator'),
    async encodeView(pixels: Float32Array, size: number): Promise<Float32Array> {
      let encoder = encoders.get(size);
      if (!encoder) {
        first ??= DeepEncoderGpu.create(ctx, host, dtype);
        encoder = size === first.config.imageSize ? first : first.withImageSize(size);
        encoders.set(size, encoder);
      }
      return globalViewFeatures((await encoder.encode(pixels)).tokens, dims);
    },
    dispose() {
      for (const encoder of encoders.values()) encoder.dispose();
      if (first && !encoders.has(first.config.imageSize)) first.dispose();
      encoders.clear();
      first = null;
    },
  };
}
