/**
 * Several embedders side by side: each part's vector is L2-normalised and scaled by its weight,
 * then the parts are concatenated. With unit weights the cosine of two concatenated vectors is
 * the mean of the parts' cosines (when every part is non-zero), so no part dominates by scale.
 */
import { InvalidInputError } from '@opticspace/gpu';
import { EmbedderStateError } from '../errors';
import { normalizeRows, type Embedder, type EmbedderState, type SerializableEmbedder } from './embedder';

export class ConcatenatedEmbedder implements SerializableEmbedder {
  readonly parts: readonly Embedder[];
  readonly weights: readonly number[];
  readonly dims: number;

  constructor(parts: readonly Embedder[], weights: readonly number[] = parts.map(() => 1)) {
    if (parts.length < 2) throw new InvalidInputError(`a concatenation needs at least 2 embedders, got ${parts.length}`);
    if (weights.length !== parts.length || weights.some((weight) => !(weight > 0) || !Number.isFinite(weight))) {
      throw new InvalidInputError(`weights must be ${parts.length} positive numbers, got [${weights.join(', ')}]`);
    }
    this.parts = parts;
    this.weights = weights;
    this.dims = parts.reduce((sum, part) => sum + part.dims, 0);
  }

  get name(): string {
    return this.parts.map((part) => part.name).join('+');
  }

  async fit(documents: readonly string[]): Promise<void> {
    for (const part of this.parts) if (part.fit) await part.fit(documents);
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array> {
    const vectors: Float32Array[] = [];
    for (const part of this.parts) vectors.push(await part.embedDocuments(texts));
    return this.join(vectors, texts.length);
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const vectors: Float32Array[] = [];
    for (const part of this.parts) vectors.push(await part.embedQuery(text));
    return this.join(vectors, 1);
  }

  private join(vectors: Float32Array[], count: number): Float32Array {
    const out = new Float32Array(count * this.dims);
    let offset = 0;
    this.parts.forEach((part, index) => {
      const rows = normalizeRows(vectors[index].slice(), part.dims);
      const weight = this.weights[index];
      for (let row = 0; row < count; row++) {
        for (let column = 0; column < part.dims; column++) out[row * this.dims + offset + column] = weight * rows[row * part.dims + column];
      }
      offset += part.dims;
    });
    return out;
  }

  /** Each part's header in order, with how many of the arrays (appended in order) are its own. */
  exportState(): EmbedderState {
    const states = this.parts.map((part, index) => {
      if (!('exportState' in part) || typeof part.exportState !== 'function') {
        throw new EmbedderStateError(`part ${index} (${part.name}) of ${this.name} cannot be saved`);
      }
      return (part as SerializableEmbedder).exportState();
    });
    return {
      header: { kind: 'concat', version: 1, weights: [...this.weights], parts: states.map((state) => ({ header: state.header, arrays: state.arrays.length })) },
      arrays: states.flatMap((state) => state.arrays),
    };
  }

  /** Splits a saved concatenation into its parts' states (embedder-file.ts turns them into embedders). */
  static partStates(saved: EmbedderState): { states: EmbedderState[]; weights: number[] } {
    const { parts, weights } = saved.header as { parts?: { header: EmbedderState['header']; arrays: number }[]; weights?: number[] };
    if (!Array.isArray(parts) || !Array.isArray(weights) || parts.length !== weights.length) {
      throw new EmbedderStateError('saved concatenation: expected parts and weights of equal length');
    }
    let next = 0;
    const states = parts.map((part) => {
      const arrays = saved.arrays.slice(next, next + part.arrays);
      next += part.arrays;
      return { header: part.header, arrays };
    });
    if (next !== saved.arrays.length) throw new EmbedderStateError(`saved concatenation: parts use ${next} arrays, the file has ${saved.arrays.length}`);
    return { states, weights };
  }
}
