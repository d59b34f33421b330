/**
 * Vectors computed elsewhere (another model, a Python pipeline): documents in corpus order and
 * queries looked up by their exact text.
 */
import { InvalidInputError, ShapeError, integer } from '@opticspace/gpu';
import { EmbedderStateError } from '../errors';
import type { Embedder } from './embedder';

export interface PrecomputedVectors {
  dims: number;
  /** document text -> vector, or documents in corpus order as one [count, dims] array */
  documents: ReadonlyMap<string, Float32Array> | Float32Array;
  /** query text -> vector */
  queries: ReadonlyMap<string, Float32Array>;
  name?: string;
}

function checkVector(vector: Float32Array, dims: number, what: string): void {
  if (vector.length !== dims) throw new ShapeError(`${what}: expected ${dims} values, got ${vector.length}`);
  for (let index = 0; index < vector.length; index++) {
    if (!Number.isFinite(vector[index])) throw new InvalidInputError(`${what}: value ${index} is ${vector[index]}`);
  }
}

export class PrecomputedEmbedder implements Embedder {
  readonly name: string;
  readonly dims: number;
  private readonly vectors: PrecomputedVectors;

  constructor(vectors: PrecomputedVectors) {
    integer('dims', vectors.dims, 1);
    if (vectors.documents instanceof Float32Array && vectors.documents.length % vectors.dims !== 0) {
      throw new ShapeError(`document vectors: length ${vectors.documents.length} is not a multiple of dims ${vectors.dims}`);
    }
    this.vectors = vectors;
    this.dims = vectors.dims;
    this.name = vectors.name ?? `precomputed-${vectors.dims}`;
  }

  embedDocuments(texts: readonly string[]): Float32Array {
    const { documents, dims } = this.vectors;
    if (documents instanceof Float32Array) {
      if (documents.length !== texts.length * dims) {
        throw new ShapeError(`precomputed document vectors: expected ${texts.length} x ${dims} values for ${texts.length} texts, got ${documents.length}`);
      }
      return documents.slice();
    }
    const out = new Float32Array(texts.length * dims);
    texts.forEach((text, index) => {
      const vector = documents.get(text);
      if (!vector) throw new EmbedderStateError(`no precomputed vector for document ${index} (${JSON.stringify(text.slice(0, 60))})`);
      checkVector(vector, dims, `document ${index}`);
      out.set(vector, index * dims);
    });
    return out;
  }

  embedQuery(text: string): Float32Array {
    const vector = this.vectors.queries.get(text);
    if (!vector) throw new EmbedderStateError(`no precomputed vector for query ${JSON.stringify(text.slice(0, 60))}`);
    checkVector(vector, this.dims, 'query vector');
    return vector.slice();
  }
}
