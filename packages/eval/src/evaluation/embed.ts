/** Embeds a dataset's corpus and queries with one embedder (fitted on the corpus first). */
import { ShapeError } from '@opticspace/gpu';
import { documentText, type RetrievalDataset } from '../dataset/types';
import type { Embedder } from '../embedder/embedder';

export interface EmbeddedDataset {
  dims: number;
  /** [docs, dims] */
  documents: Float32Array;
  /** [queries, dims], in dataset.queries order */
  queries: Float32Array;
  timings: { fitMs: number; embedDocumentsMs: number; embedQueriesMs: number };
}

export async function embedDataset(dataset: RetrievalDataset, embedder: Embedder): Promise<EmbeddedDataset> {
  const texts = dataset.corpus.map(documentText);
  let start = performance.now();
  if (embedder.fit) await embedder.fit(texts);
  const fitMs = performance.now() - start;
  start = performance.now();
  const documents = await embedder.embedDocuments(texts);
  const embedDocumentsMs = performance.now() - start;
  if (documents.length !== texts.length * embedder.dims) {
    throw new ShapeError(`embedder '${embedder.name}' returned ${documents.length} values for ${texts.length} documents x ${embedder.dims} dims`);
  }
  start = performance.now();
  const queries = new Float32Array(dataset.queries.length * embedder.dims);
  for (let row = 0; row < dataset.queries.length; row++) {
    const vector = await embedder.embedQuery(dataset.queries[row].text);
    if (vector.length !== embedder.dims) {
      throw new ShapeError(`embedder '${embedder.name}' returned ${vector.length} values for query '${dataset.queries[row].id}', expected ${embedder.dims}`);
    }
    queries.set(vector, row * embedder.dims);
  }
  return { dims: embedder.dims, documents, queries, timings: { fitMs, embedDocumentsMs, embedQueriesMs: performance.now() - start } };
}
