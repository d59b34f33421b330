import { SeededRandom } from '@opticspace/gpu';
import type { EncoderConfig } from '../config';
import { encoderTensorShapes } from './encoder-tensors';
import { EncoderWeights } from './encoder-weights';
import type { HostTensor } from './reader';

/**
 * Seeded random weights with the checkpoint's names and shapes (benchmarks, smoke tests):
 * norm weights near 1, biases small, matrices scaled by 1 / sqrt(fan-in) so activations stay
 * in a realistic range through many blocks.
 */
export function randomEncoderWeights(config: EncoderConfig, seed: number): EncoderWeights {
  const rng = new SeededRandom(seed);
  const tensors = new Map<string, HostTensor>();
  for (const [name, shape] of encoderTensorShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    let data: Float32Array;
    if (/norm\d?\.weight$|layer_norm\d\.weight$|pre_layrnorm\.weight$|neck\.[13]\.weight$/.test(name)) {
      data = rng.normalArray(size, 0.1).map((v) => 1 + v);
    } else if (name.endsWith('.bias')) {
      data = rng.normalArray(size, 0.1);
    } else if (shape.length >= 2 && !name.includes('pos') && !name.includes('position')) {
      data = rng.normalArray(size, 1 / Math.sqrt(fanIn));
    } else {
      data = rng.normalArray(size, 0.3);
    }
    tensors.set(name, { shape: [...shape], data });
  }
  return new EncoderWeights(config, tensors);
}
