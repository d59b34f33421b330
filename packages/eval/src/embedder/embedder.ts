/**
 * What the evaluation and the CLI need from an embedding model. Vectors are row-major
 * Float32Arrays [count, dims]. `fit` (optional) sees the corpus texts before any embedding,
 * so corpus statistics (vocabulary, IDF, projection, word frequencies) are learned once and
 * reused for queries.
 */
export interface Embedder {
  readonly name: string;
  readonly dims: number;
  fit?(documents: readonly string[]): void | Promise<void>;
  embedDocuments(texts: readonly string[]): Float32Array | Promise<Float32Array>;
  embedQuery(text: string): Float32Array | Promise<Float32Array>;
}

/**
 * The fitted state of an embedder as plain data: a JSON-able header (with a `kind` that names
 * the class that reads it back) and f32 arrays. embedder-file.ts turns it into bytes.
 */
export interface EmbedderState {
  header: { kind: string; version: number } & Record<string, unknown>;
  arrays: Float32Array[];
}

/** An embedder that can be saved beside an index and read back (embedder-file.ts). */
export interface SerializableEmbedder extends Embedder {
  exportState(): EmbedderState;
}

/** Progress of a model load (bytes of each file) or of embedding a list of texts. */
export type EmbedderProgress =
  | { stage: 'load'; file: string; loaded: number; total: number }
  | { stage: 'embed'; done: number; total: number };

/** Scales each row of `rows` [count, dims] to unit L2 norm in place; all-zero rows stay zero. */
export function normalizeRows(rows: Float32Array, dims: number): Float32Array {
  for (let start = 0; start < rows.length; start += dims) {
    let norm = 0;
    for (let column = 0; column < dims; column++) norm += rows[start + column] * rows[start + column];
    if (norm === 0) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let column = 0; column < dims; column++) rows[start + column] *= scale;
  }
  return rows;
}
