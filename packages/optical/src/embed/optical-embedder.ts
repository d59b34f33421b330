import { InvalidInputError } from '@opticspace/gpu';
import type { ResolutionModeName } from '../modes';
import type { Canvas2DFactory } from '../canvas/factory';
import { prepareImage } from '../image/prepare';
import type { RgbImage } from '../image/rgb-image';
import { prepareText } from '../text/prepare-text';
import type { TextPageOptions } from '../text/page-geometry';
import { normalizeL2, pooledDims, poolTokens, type PoolingName } from './pooling';
import { encodePreparedImage, type EncodedImage, type ViewEncoder } from './view-encoder';

export interface OpticalEmbedderOptions {
  encoder: ViewEncoder;
  factory: Canvas2DFactory;
  mode?: ResolutionModeName;
  pooling?: PoolingName;
  /** Temperature of 'salience' pooling (default 1). */
  temperature?: number;
  page?: Omit<TextPageOptions, 'mode'>;
}

/**
 * Text or image -> one unit vector from its vision tokens. Text is rendered to pages
 * (renderTextPages), each page is encoded, and the content tokens of all pages are pooled
 * together. Structurally the `Embedder` of @opticspace/eval (name, dims, embedDocuments,
 * embedQuery), without importing it.
 */
export class OpticalEmbedder {
  readonly name: string;
  readonly dims: number;
  readonly mode: ResolutionModeName;
  readonly pooling: PoolingName;

  constructor(private readonly options: OpticalEmbedderOptions) {
    this.mode = options.mode ?? 'tiny';
    this.pooling = options.pooling ?? 'mean';
    this.dims = pooledDims(this.pooling, options.encoder.dims);
    this.name = `optical-${this.mode}-${this.pooling}`;
  }

  /** Vision tokens of every page of `text`. */
  async encodeText(text: string): Promise<EncodedImage[]> {
    const { views } = prepareText(text, this.mode, this.options.factory, this.options.page);
    const pages: EncodedImage[] = [];
    for (const view of views) pages.push(await encodePreparedImage(view, this.options.encoder));
    return pages;
  }

  private pool(pages: EncodedImage[]): Float32Array {
    const dims = this.options.encoder.dims;
    const total = pages.reduce((s, p) => s + p.contentRows.length, 0);
    const joined = new Float32Array(total * dims);
    let offset = 0;
    for (const page of pages) {
      for (const row of page.contentRows) {
        joined.set(page.tokens.subarray(row * dims, (row + 1) * dims), offset);
        offset += dims;
      }
    }
    return normalizeL2(poolTokens(joined, dims, this.pooling, undefined, this.options.temperature));
  }

  async embedText(text: string): Promise<Float32Array> {
    if (typeof text !== 'string') throw new InvalidInputError(`embedText expects a string, got ${typeof text}`);
    return this.pool(await this.encodeText(text));
  }

  async embedImage(image: RgbImage): Promise<Float32Array> {
    return this.pool([await encodePreparedImage(prepareImage(image, this.mode), this.options.encoder)]);
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.dims);
    for (const [i, text] of texts.entries()) out.set(await this.embedText(text), i * this.dims);
    return out;
  }

  embedQuery(text: string): Promise<Float32Array> {
    return this.embedText(text);
  }
}
