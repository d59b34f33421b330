import { describe, expect, it } from 'vitest';
import {
  BytesWeightSource,
  MissingTensorError,
  SafetensorsReader,
  TensorShapeMismatchError,
  encoderConfigForMode,
  encoderTensorShapes,
  loadEncoderWeights,
  randomEncoderWeights,
  writeSafetensors,
  type WeightSource,
} from '../../src';
import { loadFixture } from '../fixture';

describe('loadEncoderWeights', () => {
  it('loads exactly the encoder tensors (never the language model or CLIP patch_embedding)', async () => {
    const fixture = await loadFixture('shrink-256');
    const expected = encoderTensorShapes(fixture.config);
    expect(fixture.weights.names.sort()).toEqual([...expected.keys()].sort());
    expect(fixture.weights.names.some((n) => n.startsWith('model.layers.'))).toBe(false);
    expect(fixture.weights.names).not.toContain('model.vision_model.embeddings.patch_embedding.weight');
    for (const [name, shape] of expected) expect(fixture.weights.shape(name)).toEqual(shape);
  });

  it('reads only the ranges of encoder tensors', async () => {
    const fixture = await loadFixture('shrink-256');
    const ranges: Array<[number, number]> = [];
    const inner = new BytesWeightSource(fixture.weightsBytes);
    const source: WeightSource = { size: inner.size, readRange: (b, e) => (ranges.push([b, e]), inner.readRange(b, e)) };
    const reader = await SafetensorsReader.open(source);
    await loadEncoderWeights(reader, fixture.config);
    const lm = reader.info('model.layers.0.self_attn.q_proj.weight');
    const tensorReads = ranges.slice(2);
    expect(tensorReads.length).toBe(encoderTensorShapes(fixture.config).size);
    expect(tensorReads.some(([b, e]) => b < lm.end && e > lm.begin)).toBe(false);
  });

  it('names every missing tensor', async () => {
    const fixture = await loadFixture('shrink-256');
    const config = { ...fixture.config, clip: { ...fixture.config.clip, depth: 3 } };
    const error = await loadEncoderWeights(await SafetensorsReader.open(new BytesWeightSource(fixture.weightsBytes)), config).catch((e) => e);
    expect(error).toBeInstanceOf(MissingTensorError);
    expect(error.names).toContain('model.vision_model.transformer.layers.2.self_attn.qkv_proj.weight');
    expect(error.names.length).toBe(12);
  });

  it('names mis-shaped tensors with expected and actual shapes', async () => {
    const config = encoderConfigForMode('tiny');
    const shapes = encoderTensorShapes(config);
    // A header-only check: shapes differ before any data is read, so tiny tensors suffice.
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const name of shapes.keys()) tensors[name] = { shape: [1], data: new Float32Array(1) };
    tensors['model.image_newline'] = { shape: [1280], data: new Float32Array(1280) };
    const reader = await SafetensorsReader.open(new BytesWeightSource(writeSafetensors(tensors)));
    const error = await loadEncoderWeights(reader, config).catch((e) => e);
    expect(error).toBeInstanceOf(TensorShapeMismatchError);
    expect(error.message).toContain('model.sam_model.pos_embed: expected [1, 64, 64, 768], got [1]');
    expect(error.mismatches.length).toBe(shapes.size - 1);
  });

  it('full-size configuration has the documented parameter count (about 401M)', () => {
    let total = 0;
    for (const shape of encoderTensorShapes(encoderConfigForMode('base')).values()) total += shape.reduce((a, b) => a * b, 1);
    // SAM ~96M + CLIP ~303M (without its unused 0.6M patch_embedding) + projector 2.6M.
    expect(total).toBeGreaterThan(395e6);
    expect(total).toBeLessThan(405e6);
  });

  it('random weights round-trip through a BF16 safetensors file', async () => {
    const fixture = await loadFixture('grow-192');
    const weights = randomEncoderWeights(fixture.config, 5);
    const file = writeSafetensors(Object.fromEntries(weights.names.map((name) => [name, { shape: weights.shape(name), data: weights.get(name), dtype: 'BF16' as const }])));
    const loaded = await loadEncoderWeights(await SafetensorsReader.open(new BytesWeightSource(file)), fixture.config);
    let worst = 0; // bf16 keeps 8 significant bits: half an ulp is at most 2^-8 of the value
    for (const name of weights.names) {
      const original = weights.get(name);
      const read = loaded.get(name);
      for (let i = 0; i < original.length; i++) worst = Math.max(worst, Math.abs(read[i] - original[i]) / Math.abs(original[i]));
    }
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(2 ** -8);
    expect(randomEncoderWeights(fixture.config, 5).get('model.image_newline')).toEqual(weights.get('model.image_newline'));
  });
});
