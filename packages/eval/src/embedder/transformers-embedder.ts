/**
 * Sentence vectors from a `@huggingface/transformers` feature-extraction pipeline (an optional
 * peer dependency): `pipeline('feature-extraction', model, { device, dtype })`, mean (or CLS)
 * pooling over the attention mask and L2 normalisation, texts sent in batches.
 *
 * Runtimes: in Node transformers.js runs ONNX models on `onnxruntime-node` (native CPU binaries
 * shipped inside that npm package; device 'cpu', or 'webgpu' where its binary has it), in a
 * browser on `onnxruntime-web` (device 'wasm' or 'webgpu'). Node imports the package itself; a
 * browser app passes the module it bundled (`transformers: await import('@huggingface/transformers')`),
 * so nothing here makes a bundler pull in the package for apps that do not use it.
 *
 * Models: a hub id, or a directory name under `localModelPath` holding config.json,
 * tokenizer.json, tokenizer_config.json and onnx/model.onnx (the file for dtype fp32).
 * `allowRemoteModels: false` forbids any download. The saved state names the model (and its
 * local path); it does not contain the weights.
 */
import { InvalidInputError } from '@opticspace/gpu';
import { EmbedderDependencyError, EmbedderStateError } from '../errors';
import type { EmbedderProgress, EmbedderState, SerializableEmbedder } from './embedder';

/** The output of a pooled feature extraction: data [texts, dims]. */
export interface PooledFeatures {
  data: ArrayLike<number>;
  dims: readonly number[];
}

/** The part of a transformers.js feature-extraction pipeline this adapter uses. */
export interface FeatureExtractor {
  (texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }): Promise<PooledFeatures>;
  dispose?(): Promise<unknown>;
}

/** The part of the `@huggingface/transformers` module this adapter uses. */
export interface TransformersModule {
  pipeline(task: 'feature-extraction', model: string, options: Record<string, unknown>): Promise<unknown>;
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
}

export interface TransformersEmbedderOptions {
  /** Hub id, or a directory name under `localModelPath`. */
  model: string;
  /** Sets transformers.js `env.localModelPath` (and allows local models). */
  localModelPath?: string;
  /** Sets transformers.js `env.allowRemoteModels`; false = never download. */
  allowRemoteModels?: boolean;
  /** 'cpu' (Node), 'wasm', 'webgpu', ...: transformers.js devices (default: its own choice). */
  device?: string;
  /** 'fp32' (default), 'fp16', 'q8', ...: which ONNX file of the model (onnx/model.onnx, model_fp16.onnx, model_quantized.onnx). */
  dtype?: string;
  /** Pooling of the last hidden state (default 'mean'). */
  pooling?: 'mean' | 'cls';
  /** L2-normalise each vector (default true). */
  normalize?: boolean;
  /** Texts per model call (default 32). */
  batchSize?: number;
  /** Prepended to queries / documents, for models trained with prefixes ("query: ", "passage: "). */
  queryPrefix?: string;
  documentPrefix?: string;
  onProgress?: (progress: EmbedderProgress) => void;
  /** The transformers.js module (browser apps pass the one they bundle); Node imports it when absent. */
  transformers?: TransformersModule;
}

export interface TransformersEmbedderHeader {
  kind: 'transformers';
  version: 1;
  model: string;
  localModelPath: string | null;
  allowRemoteModels: boolean | null;
  dims: number;
  dtype: string;
  pooling: 'mean' | 'cls';
  normalize: boolean;
  batchSize: number;
  queryPrefix: string;
  documentPrefix: string;
}

async function importTransformers(): Promise<TransformersModule> {
  // A computed specifier: bundlers must not pull the optional peer into apps that never use it.
  const specifier = '@huggingface/transformers';
  try {
    return (await import(/* @vite-ignore */ specifier)) as TransformersModule;
  } catch (error) {
    throw new EmbedderDependencyError(`${specifier} cannot be imported (${(error as Error).message}); install it to use transformers embedders`, { cause: error });
  }
}

export class TransformersEmbedder implements SerializableEmbedder {
  readonly dims: number;
  readonly model: string;
  readonly dtype: string;
  readonly pooling: 'mean' | 'cls';
  readonly normalize: boolean;
  readonly batchSize: number;
  private readonly options: TransformersEmbedderOptions;
  private loading: Promise<FeatureExtractor> | null = null;

  private constructor(options: TransformersEmbedderOptions, dims: number) {
    this.options = options;
    this.model = options.model;
    this.dims = dims;
    this.dtype = options.dtype ?? 'fp32';
    this.pooling = options.pooling ?? 'mean';
    this.normalize = options.normalize ?? true;
    this.batchSize = options.batchSize ?? 32;
    if (!options.model) throw new InvalidInputError('a transformers embedder needs a model (hub id or local directory name)');
    if (this.pooling !== 'mean' && this.pooling !== 'cls') throw new InvalidInputError(`pooling must be 'mean' or 'cls', got '${this.pooling}'`);
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new InvalidInputError(`batchSize must be a positive integer, got ${options.batchSize}`);
  }

  /** Loads the pipeline and learns the vector size from one probe text. */
  static async create(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    const probe = new TransformersEmbedder(options, 0);
    const features = await probe.run(['dimension probe']);
    const embedder = new TransformersEmbedder(options, features.dims[1]);
    embedder.loading = probe.loading;
    return embedder;
  }

  get name(): string {
    return `transformers-${this.pooling}-${this.dims}-${this.model}`;
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array> {
    const prefix = this.options.documentPrefix ?? '';
    const out = new Float32Array(texts.length * this.dims);
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize).map((text) => prefix + text);
      out.set(this.checked(await this.run(batch), batch.length), start * this.dims);
      this.options.onProgress?.({ stage: 'embed', done: start + batch.length, total: texts.length });
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return this.checked(await this.run([(this.options.queryPrefix ?? '') + text]), 1);
  }

  /** Releases the ONNX session. */
  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = null;
    if (loading) await (await loading).dispose?.();
  }

  private async run(texts: string[]): Promise<PooledFeatures> {
    const extractor = await this.extractor();
    return extractor(texts, { pooling: this.pooling, normalize: this.normalize });
  }

  private checked(features: PooledFeatures, count: number): Float32Array {
    if (features.dims.length !== 2 || features.dims[0] !== count || features.dims[1] !== this.dims) {
      throw new EmbedderStateError(`model ${this.model} returned features of shape [${features.dims.join(', ')}], expected [${count}, ${this.dims}]`);
    }
    return features.data instanceof Float32Array ? features.data : Float32Array.from(features.data);
  }

  private extractor(): Promise<FeatureExtractor> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    return this.loading;
  }

  private async load(): Promise<FeatureExtractor> {
    const { model, localModelPath, allowRemoteModels, device, onProgress } = this.options;
    const transformers = this.options.transformers ?? (await importTransformers());
    if (localModelPath !== undefined) {
      transformers.env.localModelPath = localModelPath;
      transformers.env.allowLocalModels = true;
    }
    if (allowRemoteModels !== undefined) transformers.env.allowRemoteModels = allowRemoteModels;
    const progress_callback = (event: { status?: string; file?: string; loaded?: number; total?: number }): void => {
      if (event.status === 'progress' && event.file) onProgress?.({ stage: 'load', file: event.file, loaded: event.loaded ?? 0, total: event.total ?? 0 });
    };
    try {
      return (await transformers.pipeline('feature-extraction', model, { device, dtype: this.dtype, progress_callback })) as FeatureExtractor;
    } catch (error) {
      throw new EmbedderDependencyError(`cannot load feature-extraction model '${model}'${localModelPath ? ` from ${localModelPath}` : ''}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Names the model and the settings that shape its vectors (not the weights). */
  exportState(): EmbedderState {
    const header: TransformersEmbedderHeader = {
      kind: 'transformers',
      version: 1,
      model: this.model,
      localModelPath: this.options.localModelPath ?? null,
      allowRemoteModels: this.options.allowRemoteModels ?? null,
      dims: this.dims,
      dtype: this.dtype,
      pooling: this.pooling,
      normalize: this.normalize,
      batchSize: this.batchSize,
      queryPrefix: this.options.queryPrefix ?? '',
      documentPrefix: this.options.documentPrefix ?? '',
    };
    return { header: { ...header }, arrays: [] };
  }

  /** A saved embedder; the model loads on first use. `overrides` set what the file does not fix (device, module, progress). */
  static fromState(saved: EmbedderState, overrides: Partial<TransformersEmbedderOptions> = {}): TransformersEmbedder {
    const header = saved.header as unknown as TransformersEmbedderHeader;
    if (typeof header.model !== 'string' || !Number.isInteger(header.dims) || header.dims < 1) {
      throw new EmbedderStateError('saved transformers embedder: expected a model name and positive integer dims');
    }
    return new TransformersEmbedder(
      {
        model: header.model,
        localModelPath: header.localModelPath ?? undefined,
        allowRemoteModels: header.allowRemoteModels ?? undefined,
        dtype: header.dtype,
        pooling: header.pooling,
        normalize: header.normalize,
        batchSize: header.batchSize,
        queryPrefix: header.queryPrefix,
        documentPrefix: header.documentPrefix,
        ...overrides,
      },
      header.dims,
    );
  }
}
