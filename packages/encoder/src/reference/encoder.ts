import { encoderGeometry } from '../config';
import { resizeWeightsForInput } from '../model/resized-weights';
import type { EncoderWeights } from '../weights/encoder-weights';
import { checkPixels } from '../model/pixels';
import { clipReference } from './clip';
import { linearReference } from './ops';
import { samReference, type SamReferenceOutput } from './sam';

export interface EncoderReferenceOutput {
  /** [grid * (grid + 1) + 1, projectorDim]: rows with a newline after each, then the separator. */
  tokens: Float32Array;
  sam: SamReferenceOutput;
  /** CLIP output including the class token: [grid^2 + 1, hidden]. */
  clip: Float32Array;
}

/**
 * Lays out projected features [grid * grid, dim] as the global view: a newline token after
 * each row, then the view separator (reference: deepseek_ocr.py _pixel_values_to_embedding).
 */
export function layoutGlobalViewReference(features: Float32Array, grid: number, dim: number, newline: Float32Array, separator: Float32Array): Float32Array {
  const out = new Float32Array((grid * (grid + 1) + 1) * dim);
  for (let row = 0; row < grid; row++) {
    out.set(features.subarray(row * grid * dim, (row + 1) * grid * dim), row * (grid + 1) * dim);
    out.set(newline, (row * (grid + 1) + grid) * dim);
  }
  out.set(separator, grid * (grid + 1) * dim);
  return out;
}

/** The whole DeepEncoder for one global view, in plain TypeScript (slow; reduced configs). */
export function encodeReference(pixels: Float32Array, weights: EncoderWeights): EncoderReferenceOutput {
  const { config } = weights;
  checkPixels(pixels, config.imageSize);
  const { clipGrid } = encoderGeometry(config);
  const resized = resizeWeightsForInput(weights);
  const sam = samReference(pixels, weights, resized);
  const clip = clipReference(sam.features, weights, resized);
  const positions = clipGrid * clipGrid;
  const hidden = config.clip.hidden;
  // concat(CLIP without class token, SAM features), CLIP first.
  const joined = new Float32Array(positions * (hidden + config.sam.net3Channels));
  const width = hidden + config.sam.net3Channels;
  for (let p = 0; p < positions; p++) {
    joined.set(clip.subarray((p + 1) * hidden, (p + 2) * hidden), p * width);
    joined.set(sam.features.subarray(p * config.sam.net3Channels, (p + 1) * config.sam.net3Channels), p * width + hidden);
  }
  const projected = linearReference(joined, positions, weights.get('model.projector.layers.weight'), config.projectorDim, weights.get('model.projector.layers.bias'));
  const tokens = layoutGlobalViewReference(projected, clipGrid, config.projectorDim, weights.get('model.image_newline'), weights.get('model.view_seperator'));
  return { tokens, sam, clip };
}
