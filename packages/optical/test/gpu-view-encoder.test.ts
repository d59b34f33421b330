import { describe, expect, it } from 'vitest';
import { EncoderWeights, encoderTensorShapes, type EncoderConfig, type HostTensor } from '@opticspace/encoder';
import { SeededRandom } from '@opticspace/gpu';
import { useGpu, expectClose } from '@opticspace/gpu/testing';
import { createRgbImage, encodePreparedImage, gpuViewEncoder, prepareImage, referenceViewEncoder, type ResolutionMode } from '../src/index';

// Reduced DeepEncoder (same structure, tiny widths) and a scaled-down Gundam mode: 128 global, 64 crops.
const config: EncoderConfig = {
  imageSize: 128,
  sam: { patchSize: 16, embedDim: 8, depth: 2, heads: 2, mlpDim: 16, windowSize: 3, globalBlocks: [1], nativeGrid: 8, neckChannels: 8, net2Channels: 8, net3Channels: 16, layerNormEps: 1e-6 },
  clip: { hidden: 16, depth: 1, heads: 2, mlpDim: 24, nativeGrid: 2, layerNormEps: 1e-5 },
  projectorDim: 6,
};
const mode: ResolutionMode = { name: 'gundam', baseSize: 128, imageSize: 64, crop: true, minCrops: 2, maxCrops: 6 };

describe('gpuViewEncoder matches the reference forward through the Gundam layout', () => {
  const gpu = useGpu('optical gpu view encoder');
  const random = new SeededRandom(11);
  const tensors = new Map<string, HostTensor>();
  for (const [name, shape] of encoderTensorShapes(config)) {
    tensors.set(name, { shape, data: random.normalArray(shape.reduce((a, b) => a * b, 1), 0.2) });
  }
  const weights = new EncoderWeights(config, tensors);

  it('agrees within 1e-4 on every token (local crops at 64, global at 128)', async () => {
    // A gradient image so views differ: 3 x 1 tiles.
    const image = createRgbImage(300, 100);
    for (let i = 0; i < 300 * 100; i++) image.data.set([(i % 300) % 256, Math.floor(i / 300) * 2, (i * 7) % 256], i * 3);
    const prepared = prepareImage(image, mode);
    expect(prepared.layout.tiles).toEqual({ columns: 3, rows: 1 });
    const encoder = gpuViewEncoder(gpu(), weights);
    try {
      const fast = await encodePreparedImage(prepared, encoder);
      const slow = await encodePreparedImage(prepared, referenceViewEncoder(weights));
      expect(fast.tokens.length).toBe(prepared.layout.total * 6);
      expectClose(fast.tokens, slow.tokens, 1e-4, 1e-4, 'gundam tokens');
    } finally {
      encoder.dispose();
    }
  });
});
