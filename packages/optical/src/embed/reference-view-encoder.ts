import { EncoderWeights, encodeReference, type HostTensor } from '@opticspace/encoder';
import type { ViewEncoder } from './view-encoder';
import { globalViewFeatures } from './global-view-features';

/**
 * The same host tensors with the configured input side changed (positional tables are
 * resized per input size by the encoder), so one loaded checkpoint serves every view size.
 */
export function weightsForViewSize(weights: EncoderWeights): (size: number) => EncoderWeights {
  const tensors = new Map<string, HostTensor>(weights.names.map((name) => [name, { shape: weights.shape(name), data: weights.get(name) }]));
  const bySize = new Map<number, EncoderWeights>([[weights.config.imageSize, weights]]);
  return (size) => {
    let found = bySize.get(size);
    if (!found) {
      found = new EncoderWeights({ ...weights.config, imageSize: size }, tensors);
      bySize.set(size, found);
    }
    return found;
  };
}

/**
 * A ViewEncoder on the encoder package's plain-TypeScript reference forward (slow: for
 * tests with reduced configurations and for checking the GPU path).
 */
export function referenceViewEncoder(weights: EncoderWeights): ViewEncoder {
  const forSize = weightsForViewSize(weights);
  const dims = weights.config.projectorDim;
  return {
    dims,
    newline: weights.get('model.image_newline'),
    separator: weights.get('model.view_seperator'),
    async encodeView(pixels: Float32Array, size: number): Promise<Float32Array> {
      return globalViewFeatures(encodeReference(pixels, forSize(size)).tokens, dims);
    },
  };
}
