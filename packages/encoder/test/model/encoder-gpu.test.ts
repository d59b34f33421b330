import { describe, expect, it } from 'vitest';
import { InvalidInputError, ShapeError } from '@opticspace/gpu';
import { DeepEncoderGpu, EncoderWeights, encodeReference, encoderGeometry } from '../../src';
import { SeededRandom } from '@opticspace/gpu';
import { useGpu } from '@opticspace/gpu/testing';
import { FIXTURE_NAMES, loadFixture, relativeError } from '../fixture';
import { countLiveBuffers } from '../live-buffers';

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

  it('returns every activation buffer to the pool after a pass, and every weight on dispose', async () => {
    const fixture = await loadFixture('grow-192');
    const counter = countLiveBuffers(gpu());
    try {
      const encoder = DeepEncoderGpu.create(gpu(), fixture.weights, 'f32');
      const weightBuffers = counter.live();
      expect(weightBuffers).toBeGreaterThan(30);
      await encoder.encode(fixture.pixels, { returnSam: true, returnClip: true });
      expect(counter.live()).toBe(weightBuffers);
      await expect(encoder.encode(new Float32Array(3))).rejects.toThrow(ShapeError);
      expect(counter.live()).toBe(weightBuffers);
      encoder.dispose();
      expect(counter.live()).toBe(0);
    } finally {
      counter.restore();
    }
  });

  it('withImageSize shares the size-independent weights and matches the reference at the new size', async () => {
    const fixture = await loadFixture('grow-192');
    const counter = countLiveBuffers(gpu());
    const base = DeepEncoderGpu.create(gpu(), fixture.weights, 'f32');
    const baseBuffers = counter.live();
    const larger = base.withImageSize(256);
    // Only the SAM pos-embed, the CLIP position table and two rel-pos tables per block are new.
    expect(counter.live() - baseBuffers).toBe(2 + 2 * fixture.config.sam.depth);
    const pixels = new SeededRandom(8).uniformArray(3 * 256 * 256, -1, 1);
    const result = await larger.encode(pixels);
    const hostWeights = new EncoderWeights({ ...fixture.config, imageSize: 256 }, new Map(fixture.weights.names.map((n) => [n, { shape: fixture.weights.shape(n), data: fixture.weights.get(n) }])));
    expect(result.tokenCount).toBe(4 * 5 + 1);
    expect(relativeError(result.tokens, encodeReference(pixels, hostWeights).tokens)).toBeLessThan(1e-3);
    base.dispose();
    base.dispose();
    // The shared tensors survive the first encoder's disposal.
    expect(relativeError((await larger.encode(pixels)).tokens, result.tokens)).toBe(0);
    larger.dispose();
    expect(counter.live()).toBe(0);
    counter.restore();
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
