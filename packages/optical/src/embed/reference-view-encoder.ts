import { EncoderWeights, encodeReference, type HostTensor } from '@opticspace/encoder';
import type { ViewEncoder } from './view-encoder';

/**
 * A ViewEncoder on the encoder package's plain-TypeScript reference forward (slow: for
 * tests with reduced configurations and for checking; the GPU encoder replaces it). The
 * same tensors serve every view size; only the configured input side changes.
 */
export function referenceViewEncoder(weights: EncoderWeights): ViewEncoder {
  const tensors = new Map<string, HostTensor>(weights.names.map((name) => [name, { shape: weights.shape(name), data: weights.get(name) }]));
  const bySize = new Map<number, EncoderWeights>();
  const forSize = (size: number) => {
    let found = bySize.get(size);
    if (!found) {
      found = size === weights.config.imageSize ? weights : new EncoderWeights({ ...weights.config, imageSize: size }, tensors);
      bySize.set(size, found);
    }
    return found;
  };
  const dims = weights.config.projectorDim;
  return {
    dims,
    newline: weights.get('model.image_newline'),
    separator: weights.get('model.view_seperator'),
    async encodeView(pixels: Float32Array, size: number): Promise<Float32Array> {
      const { tokens } = encodeReference(pixels, forSize(size));
      // Drop the newline after each row and the final separator: keep grid x grid features.
      const grid = Math.round((-1 + Math.sqrt(1 + 4 * (tokens.length / dims - 1))) / 2);
      const out = new Float32Array(grid * grid * dims);
      for (let row = 0; row < grid; row++) {
        out.set(tokens.subarray(row * (grid + 1) * dims, (row * (grid + 1) + grid) * dims), row * grid * dims);
      }
      return out;
    },
  };
}
