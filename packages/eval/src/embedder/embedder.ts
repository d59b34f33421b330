/**
 * What the evaluation and the CLI need from an embedding model. Vectors are row-major
 * Float32Arrays [count, dims]. `fit` (optional) sees the corpus texts before any embedding,
 * so corpus statistics (vocabulary, IDF, projection) are learned once and reused for queries.
 */
export interface Embedder {
  readonly name: string;
  readonly dims: number;
  fit?(documents: readonly string[]): void | Promise<void>;
  embedDocuments(texts: readonly string[]): Float32Array | Promise<Float32Array>;
  embedQuery(text: string): Float32Array | Promise<Float32Array>;
}
