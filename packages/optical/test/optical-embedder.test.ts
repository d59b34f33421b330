import { describe, expect, it } from 'vitest';
import { EncoderWeights, encoderTensorShapes, type EncoderConfig, type HostTensor } from '@opticspace/encoder';
import { InvalidInputError, SeededRandom } from '@opticspace/gpu';
import {
  createNodeCanvasFactory,
  createRgbImage,
  encodePreparedImage,
  normalizeL2,
  OpticalEmbedder,
  poolTokens,
  prepareImage,
  referenceViewEncoder,
  type ResolutionMode,
  type ViewEncoder,
} from '../src/index';

describe('pooling', () => {
  const tokens = Float32Array.of(1, 0, 3, 0, 2, 6); // three tokens of 2 dims
  it('mean, max-mean', () => {
    expect(Array.from(poolTokens(tokens, 2, 'mean'))).toEqual([2, 2]);
    expect(Array.from(poolTokens(tokens, 2, 'mean', [0, 1]))).toEqual([2, 0]);
    expect(Array.from(poolTokens(tokens, 2, 'max-mean'))).toEqual([2, 2, 3, 6]);
  });
  it('salience weights tokens far from the mean more', () => {
    // Nine background tokens at 0 and one ink token at 10: mean = 1, salience puts more weight on the ink.
    const page = new Float32Array(10);
    page[9] = 10;
    const mean = poolTokens(page, 1, 'mean')[0];
    const salience = poolTokens(page, 1, 'salience')[0];
    expect(mean).toBeCloseTo(1, 6);
    // distances: 1 (x9), 9; rms = sqrt((9 + 81) / 10) = 3; logits 1/3 and 3; w_ink = e^3 / (e^3 + 9 e^(1/3)).
    const inkWeight = Math.exp(3) / (Math.exp(3) + 9 * Math.exp(1 / 3));
    expect(salience).toBeCloseTo(10 * inkWeight, 5);
    expect(salience).toBeGreaterThan(mean);
    // Constant tokens: salience = mean.
    expect(Array.from(poolTokens(Float32Array.of(4, 4, 4), 1, 'salience'))).toEqual([4]);
  });
  it('rejects bad shapes', () => {
    expect(() => poolTokens(Float32Array.of(1, 2, 3), 2, 'mean')).toThrow(InvalidInputError);
    expect(() => poolTokens(tokens, 2, 'mean', [])).toThrow(/zero tokens/);
    expect(() => poolTokens(tokens, 2, 'mean', [3])).toThrow(/row 3 is outside \[0, 3\)/);
    expect(() => poolTokens(Float32Array.of(1, Number.NaN), 2, 'salience')).toThrow(/token 0 value 1 is NaN/);
    expect(Array.from(normalizeL2(Float32Array.of(3, 4)))).toEqual([0.6000000238418579, 0.800000011920929]);
  });
});

/** A stand-in encoder: each 64-pixel block -> [mean of R, G, B channel values, 1]. Deterministic, no weights. */
const blockEncoder: ViewEncoder = {
  dims: 4,
  newline: Float32Array.of(9, 9, 9, 9),
  separator: Float32Array.of(-9, -9, -9, -9),
  async encodeView(pixels, size) {
    const grid = size / 64;
    const out = new Float32Array(grid * grid * 4);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) out[(Math.floor(y / 64) * grid + Math.floor(x / 64)) * 4 + c] += pixels[c * size * size + y * size + x] / 4096;
    for (let t = 0; t < grid * grid; t++) out[t * 4 + 3] = 1;
    return out;
  },
};

describe('OpticalEmbedder', async () => {
  const factory = await createNodeCanvasFactory();
  it('embeds texts to unit vectors that differ with the text', async () => {
    const embedder = new OpticalEmbedder({ encoder: blockEncoder, factory, mode: 'tiny', pooling: 'salience' });
    expect(embedder.name).toBe('optical-tiny-salience');
    expect(embedder.dims).toBe(4);
    const docs = await embedder.embedDocuments(['a short line', 'a much longer text '.repeat(40)]);
    expect(docs.length).toBe(8);
    const norm = (v: Float32Array) => Math.hypot(...v);
    expect(norm(docs.subarray(0, 4))).toBeCloseTo(1, 5);
    expect(Array.from(docs.subarray(0, 4))).not.toEqual(Array.from(docs.subarray(4, 8)));
    const again = await embedder.embedQuery('a short line');
    expect(Array.from(again)).toEqual(Array.from(docs.subarray(0, 4)));
    // Tiny: 64 content tokens per page; the newline/separator vectors (9, -9) are excluded from pooling.
    const pages = await embedder.encodeText('a short line');
    expect(pages[0].contentRows).toHaveLength(64);
    expect(pages[0].tokens.length).toBe(73 * 4);
  });
  it('max-mean doubles the dimensions', async () => {
    const embedder = new OpticalEmbedder({ encoder: blockEncoder, factory, mode: 'tiny', pooling: 'max-mean' });
    expect(embedder.dims).toBe(8);
    expect((await embedder.embedQuery('x')).length).toBe(8);
  });
});

describe('reference encoder through the optical pipeline (reduced configuration)', () => {
  const config: EncoderConfig = {
    imageSize: 128,
    sam: { patchSize: 16, embedDim: 8, depth: 2, heads: 2, mlpDim: 16, windowSize: 3, globalBlocks: [1], nativeGrid: 8, neckChannels: 8, net2Channels: 8, net3Channels: 16, layerNormEps: 1e-6 },
    clip: { hidden: 16, depth: 1, heads: 2, mlpDim: 24, nativeGrid: 2, layerNormEps: 1e-5 },
    projectorDim: 6,
  };
  const random = new SeededRandom(3);
  const tensors = new Map<string, HostTensor>();
  for (const [name, shape] of encoderTensorShapes(config)) {
    tensors.set(name, { shape, data: random.normalArray(shape.reduce((a, b) => a * b, 1), 0.2) });
  }
  const weights = new EncoderWeights(config, tensors);
  // A Gundam-like mode scaled down: 128 global view, 64 crops.
  const mode: ResolutionMode = { name: 'gundam', baseSize: 128, imageSize: 64, crop: true, minCrops: 2, maxCrops: 6 };

  it('encodes the global view and crops and lays the tokens out in reference order', async () => {
    const image = createRgbImage(200, 90, [30, 200, 90]);
    const prepared = prepareImage(image, mode);
    expect(prepared.layout.tiles).toEqual({ columns: 2, rows: 1 });
    const encoder = referenceViewEncoder(weights);
    const encoded = await encodePreparedImage(prepared, encoder);
    // local: 1 row of 2 crops x 1 token + newline = 3; global: 2 x (2 + 1) = 6; separator 1.
    expect(prepared.layout.total).toBe(10);
    expect(encoded.tokens.length).toBe(10 * 6);
    expect(encoded.contentRows).toEqual([0, 1, 3, 4, 6, 7]);
    expect(Array.from(encoded.tokens.subarray(2 * 6, 3 * 6))).toEqual(Array.from(weights.get('model.image_newline')));
    expect(Array.from(encoded.tokens.subarray(9 * 6))).toEqual(Array.from(weights.get('model.view_seperator')));
    const crop0 = await encoder.encodeView(prepared.crops[0].pixels, 64);
    expect(Array.from(encoded.tokens.subarray(0, 6))).toEqual(Array.from(crop0));
    const global = await encoder.encodeView(prepared.global.pixels, 128);
    expect(Array.from(encoded.tokens.subarray(3 * 6, 5 * 6))).toEqual(Array.from(global.subarray(0, 12)));
    for (const v of encoded.tokens) expect(Number.isFinite(v)).toBe(true);
  });
});
