/** Typed errors of the energy index. Each extends OpticspaceError with a stable `code`. */
import { OpticspaceError } from '@opticspace/gpu';

/** The corpus has no rows (or rows of zero length). */
export class EmptyCorpusError extends OpticspaceError {
  constructor(message = 'The corpus is empty: EnergyIndex.build needs at least one vector with at least one feature.') {
    super('INDEX_EMPTY_CORPUS', message);
  }
}

/** Rows of an array-of-rows input have different lengths. */
export class RaggedRowsError extends OpticspaceError {
  constructor(row: number, expected: number, actual: number) {
    super('INDEX_RAGGED_ROWS', `Row ${row} has ${actual} features but row 0 has ${expected}; every row must have the same length.`);
  }
}

/** A value is NaN or +-Infinity. */
export class NonFiniteValueError extends OpticspaceError {
  constructor(what: string, row: number, column: number, value: number) {
    super('INDEX_NON_FINITE', `${what} row ${row}, feature ${column} is ${value}; only finite numbers are accepted.`);
  }
}

/** Vectors do not have the dimension the index expects. */
export class DimensionMismatchError extends OpticspaceError {
  constructor(what: string, expected: number, actual: number) {
    super('INDEX_DIMENSION_MISMATCH', `${what} has dimension ${actual} but the index was built with dimension ${expected}.`);
  }
}

/** A build or search parameter is out of range. */
export class InvalidParameterError extends OpticspaceError {
  constructor(name: string, expected: string, actual: unknown) {
    super('INDEX_INVALID_PARAMETER', `Parameter '${name}' must be ${expected}, got ${formatValue(actual)}.`);
  }
}

/** The feature graph has no edges, so every energy is zero. */
export class EmptyGraphError extends OpticspaceError {
  constructor(which: string, features: number, eps: number, topk: number) {
    super(
      'INDEX_EMPTY_GRAPH',
      `The ${which} over ${features} features has no edges (graph.eps=${eps}, graph.topk=${topk}): ` +
        'no pair of feature profiles has cosine distance <= eps. Loosen graph.eps (up to 2) or raise graph.topk.',
    );
  }
}

/** A saved index is truncated, corrupted, or of an unknown format version. */
export class IndexFormatError extends OpticspaceError {
  constructor(message: string) {
    super('INDEX_FORMAT', message);
  }
}

/** The requested backend cannot run here (e.g. backend 'webgpu' without WebGPU). */
export class BackendUnavailableError extends OpticspaceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INDEX_BACKEND_UNAVAILABLE', message, options);
  }
}

/** A query lacks what its search method needs: text (lexical methods) or a vector (dense methods). */
export class MissingQueryInputError extends OpticspaceError {
  constructor(method: string, missing: 'text' | 'vector', query: number) {
    super(
      'INDEX_QUERY_INPUT',
      `Method '${method}' needs the query ${missing}, but query ${query} has no ${missing}: pass search({ text, vector }, ...)` +
        (missing === 'text' ? ' or pick a dense method.' : ' or pick a lexical method.'),
    );
  }
}

/** A lexical method was asked of an index built without document texts. */
export class NoDocumentsError extends OpticspaceError {
  constructor(method: string) {
    super(
      'INDEX_NO_DOCUMENTS',
      `Method '${method}' needs the documents' terms, but this index was built without them: build with EnergyIndex.build(vectors, { documents: texts }).`,
    );
  }
}

/** The index was disposed and cannot be used. */
export class DisposedIndexError extends OpticspaceError {
  constructor() {
    super('INDEX_DISPOSED', 'This EnergyIndex was disposed; build or load a new one.');
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
