// The @huggingface/transformers adapter on a tiny random BERT-like model that this test writes
// to a temp directory (ONNX protobuf encoded in TS). Remote models are off and fetch throws, so
// nothing can be downloaded; the model runs on onnxruntime-node's bundled CPU binary.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbedder,
  decodeEmbedder,
  EmbedderDependencyError,
  encodeEmbedder,
  TransformersEmbedder,
  type EmbedderProgress,
  type TransformersModule,
} from '../src/index';
import { makeTinyModel, referenceEmbedding, referenceTokenIds, writeTinyModel } from './fixtures/tiny-transformer';

const model = makeTinyModel();
let root = '';
const networkAttempts: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'opticspace-tiny-model-'));
  await writeTinyModel(root, model);
  env.fetch = async (input: string | URL) => {
    networkAttempts.push(String(input));
    throw new Error(`network access attempted: ${String(input)}`);
  };
});

afterAll(async () => {
  expect(networkAttempts).toEqual([]);
  await rm(root, { recursive: true, force: true });
});

const texts = [
  'The wing flutters in the boundary layer',
  'sql injection',
  'zzz qqq heated', // unknown words -> [UNK], 'heat' + '##ed'
  'Path traversal!',
  // 40 words: truncated to the model's 16 tokens ([CLS] + 15 words: transformers.js drops [SEP]).
  Array.from({ length: 40 }, (_, index) => ['wing', 'shell', 'layer', 'transfer'][index % 4]).join(' '),
];

/** Largest absolute difference from the plain-TS forward pass. */
function maxError(vectors: Float32Array, inputs: readonly string[], prefix = ''): number {
  let error = 0;
  inputs.forEach((text, row) => {
    const expected = referenceEmbedding(model, prefix + text);
    for (let d = 0; d < model.hidden; d++) error = Math.max(error, Math.abs(vectors[row * model.hidden + d] - expected[d]));
  });
  return error;
}

describe('TransformersEmbedder (tiny local ONNX model, offline)', () => {
  it('the reference tokenizer gives the ids of the tokenizer.json the fixture wrote', async () => {
    const { AutoTokenizer } = await import('@huggingface/transformers');
    env.localModelPath = root;
    env.allowRemoteModels = false;
    const tokenizer = await AutoTokenizer.from_pretrained(model.name);
    for (const text of texts) {
      const ids = (tokenizer([text], { truncation: true }).input_ids.tolist() as bigint[][])[0].map(Number);
      expect(ids).toEqual(referenceTokenIds(model, text));
    }
    const id = (token: string): number => model.vocab.indexOf(token);
    expect(referenceTokenIds(model, 'zzz qqq heated')).toEqual([id('[CLS]'), id('[UNK]'), id('[UNK]'), id('heat'), id('##ed'), id('[SEP]')]);
    expect(referenceTokenIds(model, texts[4])).toHaveLength(model.maxLength);
  });

  it('equals the TS forward pass (gather, context, dense + tanh, masked mean, L2) to 1e-5, in batches', async () => {
    const progress: EmbedderProgress[] = [];
    const embedder = await TransformersEmbedder.create({
      model: model.name,
      localModelPath: root,
      allowRemoteModels: false,
      device: 'cpu',
      batchSize: 2,
      onProgress: (event) => progress.push(event),
    });
    try {
      expect(embedder.dims).toBe(model.hidden);
      expect(embedder.name).toBe(`transformers-mean-${model.hidden}-${model.name}`);
      const vectors = await embedder.embedDocuments(texts);
      expect(vectors).toHaveLength(texts.length * model.hidden);
      expect(maxError(vectors, texts)).toBeLessThan(1e-5);
      for (let row = 0; row < texts.length; row++) expect(Math.hypot(...vectors.subarray(row * model.hidden, (row + 1) * model.hidden))).toBeCloseTo(1, 5);
      // Batches of 2 with padding give the vectors of one-by-one queries.
      for (let row = 0; row < texts.length; row++) {
        const single = await embedder.embedQuery(texts[row]);
        for (let d = 0; d < model.hidden; d++) expect(single[d]).toBeCloseTo(vectors[row * model.hidden + d], 6);
      }
      expect(progress.filter((event) => event.stage === 'embed')).toEqual([
        { stage: 'embed', done: 2, total: 5 },
        { stage: 'embed', done: 4, total: 5 },
        { stage: 'embed', done: 5, total: 5 },
      ]);
      const files = progress.flatMap((event) => (event.stage === 'load' ? [event.file] : []));
      expect(files).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/model.onnx']));
      expect(await embedder.embedDocuments([])).toHaveLength(0);
    } finally {
      await embedder.dispose();
    }
    expect(env.allowRemoteModels).toBe(false);
  });

  it('query and document prefixes are prepended; CLS pooling takes the first token', async () => {
    const embedder = await TransformersEmbedder.create({ model: model.name, localModelPath: root, allowRemoteModels: false, queryPrefix: 'the ', documentPrefix: 'a ' });
    const cls = await TransformersEmbedder.create({ model: model.name, localModelPath: root, allowRemoteModels: false, pooling: 'cls', normalize: false });
    try {
      expect(maxError(await embedder.embedQuery('wing'), ['wing'], 'the ')).toBeLessThan(1e-5);
      expect(maxError(await embedder.embedDocuments(['wing', 'shell']), ['wing', 'shell'], 'a ')).toBeLessThan(1e-5);
      // CLS: tanh((E[CLS] + context) W + b) of the first position, unnormalised.
      const ids = referenceTokenIds(model, 'sql injection');
      const { hidden } = model;
      const context = Array.from({ length: hidden }, (_, h) => ids.reduce((sum, id) => sum + model.embeddings[id * hidden + h], 0) / ids.length);
      const expected = Array.from({ length: hidden }, (_, out) => Math.tanh(model.bias[out] + context.reduce((sum, c, h) => sum + (model.embeddings[ids[0] * hidden + h] + c) * model.weight[h * hidden + out], 0)));
      const vector = await cls.embedQuery('sql injection');
      expected.forEach((value, d) => expect(vector[d]).toBeCloseTo(value, 5));
    } finally {
      await embedder.dispose();
      await cls.dispose();
    }
  });

  it('a saved embedder names the model and reloads it on first use; the CLI spec builds one from a directory', async () => {
    const embedder = (await createEmbedder(`transformers:${join(root, model.name)}`)) as TransformersEmbedder;
    const bytes = encodeEmbedder(embedder);
    expect(bytes.length).toBeLessThan(1024); // settings only, no weights
    const loaded = decodeEmbedder(bytes, 'tiny.embedder') as TransformersEmbedder;
    try {
      expect(loaded).toBeInstanceOf(TransformersEmbedder);
      expect(loaded.dims).toBe(model.hidden);
      expect(maxError(await loaded.embedDocuments(texts), texts)).toBeLessThan(1e-5);
      expect(Array.from(await loaded.embedQuery('sql'))).toEqual(Array.from(await embedder.embedQuery('sql')));
    } finally {
      await embedder.dispose();
      await loaded.dispose();
    }
  });

  it('a missing model is a typed one-line error, and nothing is fetched', async () => {
    const missing = TransformersEmbedder.create({ model: 'no-such-model', localModelPath: root, allowRemoteModels: false });
    await expect(missing).rejects.toBeInstanceOf(EmbedderDependencyError);
    await expect(TransformersEmbedder.create({ model: 'no-such-model', localModelPath: root, allowRemoteModels: false })).rejects.toThrow(
      /cannot load feature-extraction model 'no-such-model' from .*opticspace-tiny-model-/,
    );
    await expect(createEmbedder('transformers:')).rejects.toThrow(/unknown embedder 'transformers:'/);
    await expect(TransformersEmbedder.create({ model: model.name, localModelPath: root, batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
  });

  it('the adapter takes the module a browser app bundles (the real module fits TransformersModule)', async () => {
    const transformers: TransformersModule = await import('@huggingface/transformers');
    let calls = 0;
    const counting: TransformersModule = { env: transformers.env, pipeline: (...args) => (calls++, transformers.pipeline(...args)) };
    const embedder = await TransformersEmbedder.create({ model: model.name, localModelPath: root, allowRemoteModels: false, transformers: counting });
    try {
      expect(maxError(await embedder.embedQuery(texts[0]), [texts[0]])).toBeLessThan(1e-5);
      expect(calls).toBe(1);
    } finally {
      await embedder.dispose();
    }
  });
});
