/** Typed errors of @opticspace/eval. */
import { OpticspaceError } from '@opticspace/gpu';

/** A dataset file (corpus, queries, qrels) is missing or malformed; names the file and line. */
export class DatasetFormatError extends OpticspaceError {
  readonly file: string;
  readonly line: number | null;
  constructor(file: string, line: number | null, message: string, options?: { cause?: unknown }) {
    super('DATASET_FORMAT', `${file}${line === null ? '' : `:${line}`}: ${message}`, options);
    this.file = file;
    this.line = line;
  }
}

/** An embedder was used before fit(), or a saved embedder file is malformed. */
export class EmbedderStateError extends OpticspaceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EMBEDDER_STATE', message, options);
  }
}

/** An optional package an embedder needs (word vectors, @huggingface/transformers) is missing or fails to load. */
export class EmbedderDependencyError extends OpticspaceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EMBEDDER_DEPENDENCY', message, options);
  }
}
