/**
 * Silent NaN guards: a NaN or Infinity weight is found at load with the tensor's name (F32, F16
 * and BF16 storage), pixels outside the normalised range are refused with their position, and
 * a forward pass that overflows raises NonFiniteOutputError instead of returning NaN tokens.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@opticspace/gpu';
import {
  BytesWeightSource,
  checkPixels,
  DeepEncoderGpu,
  EncoderWeights,
  encoderTensorShapes,
  loadEncoderWeights,
  NonFiniteOutputError,
  NonFiniteWeightError,
  SafetensorsReader,
  writeSafetensors,
  type HostTensor,
} from '../src';
import { useGpu } from '@opticspace/gpu/testing';
import { loadFixture } from './fixture';

describe('non-finite weights are found at load, with the tensor name', async () => {
  const fixture = await loadFixture('grow-192');
  const shapes = encoderTensorShapes(fixture.config);

  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      it(`${dtype} checkpoint with ${bad} in one tensor`, async () => {
        const target = 'model.sam_model.blocks.1.mlp.lin2.weight';
        const tensors = Object.fromEntries(
          [...shapes.keys()].map((name) => {
            const data = fixture.weights.get(name).slice();
            if (name === target) data[7] = bad;
            return [name, { shape: shapes.get(name)!, data, dtype }];
          }),
        );
        const reader = await SafetensorsReader.open(new BytesWeightSource(writeSafetensors(tensors)));
        const error = await loadEncoderWeights(reader, fixture.config).catch((e) => e);
        expect(error).toBeInstanceOf(NonFiniteWeightError);
        expect(error.message).toContain(`Checkpoint tensor '${target}' (shape [${shapes.get(target)!.join(', ')}]) holds ${bad} at flat index 7`);
      });
    }
  }
});

describe('pixel range', () => {
  it('accepts [-1, 1] with a small tolerance and names the first value outside', () => {
    const pixels = new Float32Array(3 * 8 * 8).fill(1.0005);
    pixels[0] = -1.0009;
    expect(() => checkPixels(pixels, 8)).not.toThrow();
    pixels[3 * 64 - 1] = 255;
    expect(() => checkPixels(pixels, 8)).toThrow(InvalidInputError);
    expect(() => checkPixels(pixels, 8)).toThrow(/pixel value 255 at index 191 \(channel 2, row 7, column 7\) is outside the normalised range \[-1, 1\]/);
    pixels[3 * 64 - 1] = 0;
    pixels[70] = -1.01;
    expect(() => checkPixels(pixels, 8)).toThrow(/index 70 \(channel 1, row 0, column 6\)/);
    pixels[70] = NaN;
    expect(() => checkPixels(pixels, 8)).toThrow(/pixel value NaN at index 70 .* is not finite/);
  });
});

describe('non-finite encoder outputs', () => {
  const gpu = useGpu('encoder non-finite output');

  it('finite but huge weights overflow the projector: NonFiniteOutputError, not NaN tokens', async () => {
    const fixture = await loadFixture('grow-192');
    const tensors = new Map<string, HostTensor>(fixture.weights.names.map((name) => [name, { shape: fixture.weights.shape(name), data: fixture.weights.get(name) }]));
    const projector = fixture.weights.get('model.projector.layers.weight').map(() => 3e38);
    tensors.set('model.projector.layers.weight', { shape: fixture.weights.shape('model.projector.layers.weight'), data: projector });
    const encoder = DeepEncoderGpu.create(gpu(), new EncoderWeights(fixture.config, tensors), 'f32');
    try {
      const error = await encoder.encode(fixture.pixels).catch((e) => e);
      expect(error).toBeInstanceOf(NonFiniteOutputError);
      expect(error.message).toMatch(/^encoder output: token value \d+ is (-?Infinity|NaN)/);
    } finally {
      encoder.dispose();
    }
  });
});
