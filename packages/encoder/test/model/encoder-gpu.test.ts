import { describe, expect, it } from 'vitest';
import { InvalidInputError, ShapeError } from '@opticspace/gpu';
import { DeepEncoderGpu, encodeReference, encoderGeometry } from '../../src';
import { useGpu } from '../../../gpu/test/gpu-test-context';
import { FIXTURE_NAMES, loadFixture, relativeError } from '../fixture';

// The WebGPU forward pass against the PyTorch fixtures and the plain-TS reference.
// f32: within 1e-3 of the largest value (the brief's bound). f16 storage (activations and
// weights rounded to f16 at every layer): within 1e-2 (measured about 2e-3).
describe('DeepEncoderGpu', () => {
  const gpu = useGpu('encoder forward');

  for (const name of FIXTURE_NAMES) {
    it(`f32 ${name}: tokens, SAM features and CLIP output match PyTorch and the TS reference`, async () => {
      const fixture = await loadFixture(name);
      const encoder = DeepEncoderGpu.create(gpu(), fixture.weights, 'f32');
      try {
        const result = await encoder.encode(fixture.pixels, { returnSam: true, returnClip: true });
        expect(result.tokenCount).toBe(encoderGeometry(fixture.config).tokenCount);
        expect(relativeError(result.sam!, fixture.expected['sam-features'].data)).toBeLessThan(1e-3);
        expect(relativeError(result.clip!, fixture.expected.clip.data)).toBeLessThan(1e-3);
        expect(relativeError(result.tokens, fixture.expected.tokens.data)).toBeLessThan(1e-3);
        const reference = encodeReference(fixture.pixels, fixture.weights);
        expect(relativeError(result.tokens, reference.tokens)).toBeLessThan(1e-3);
      } finally {
        encoder.dispose();
      }
    });
  }

  it('f16 storage shrink-256 stays close to PyTorch', async () => {
    const fixture = await loadFixture('shrink-256');
    const encoder = DeepEncoderGpu.create(gpu(), fixture.weights, 'f16');
    try {
      const result = await encoder.encode(fixture.pixels);
      const error = relativeError(result.tokens, fixture.expected.tokens.data);
      expect(error).toBeLessThan(1e-2);
      expect(error).toBeGreaterThan(0); // really ran in f16
    } finally {
      encoder.dispose();
    }
  });

  it('releases every activation buffer after a pass', async () => {
    const fixture = await loadFixture('grow-192');
    const before = gpu().buffers.stats.allocatedBytes;
    const encoder = DeepEncoderGpu.create(gpu(), fixture.weights, 'f32');
    const withWeights = gpu().buffers.stats.allocatedBytes;
    await encoder.encode(fixture.pixels);
    expect(gpu().buffers.stats.allocatedBytes).toBe(withWeights);
    encoder.dispose();
    expect(gpu().buffers.stats.allocatedBytes).toBe(before);
  });

  it('rejects wrongly sized and non-finite pixels', async () => {
    const fixture = await loadFixture('grow-192');
    const encoder = DeepEncoderGpu.create(gpu(), fixture.weights, 'f32');
    try {
      await expect(encoder.encode(new Float32Array(10))).rejects.toThrow(ShapeError);
      await expect(encoder.encode(new Float32Array(10))).rejects.toThrow(/expected 110592 values \(\[3, 192, 192\]\), got 10/);
      const bad = fixture.pixels.slice();
      bad[5] = NaN;
      await expect(encoder.encode(bad)).rejects.toThrow(InvalidInputError);
    } finally {
      encoder.dispose();
    }
  });
});
