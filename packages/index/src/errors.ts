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

/** A build or search parameter is out of range (@opticspace/gpu's shared error, raised by its validators). */
export { InvalidParameterError } from '@opticspace/gpu';

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

/** A container file (writeSections / readSections) is truncated, corrupted or of another kind. */
export class ContainerFormatError extends OpticspaceError {
  constructor(message: string) {
    super('CONTAINER_FORMAT', message);
  }
}

/** Why a file operation failed, in words, from a Node error code (ENOENT, EROFS, ENOSPC, ...). */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a parent of the path is not a directory',
    EISDIR: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large for this file system or process limit',
    EEXIST: 'the path already exists',
    EMFILE: 'too many open files',
    EIO: 'input/output error',
  };
  return code ? `${reasons[code] ?? (error as Error).message} (${code})` : String((error as Error)?.message ?? error);
}

/** A file operation failed; names the caller's path (never a temporary one) and the reason. */
abstract class FileAccessError extends OpticspaceError {
  readonly path: string;
  readonly reason: string;
  constructor(code: string, verb: string, path: string, reason: string, options?: { cause?: unknown }) {
    super(code, `Cannot ${verb} ${path}: ${reason}.`, options);
    this.path = path;
    this.reason = reason;
  }
}

/** Reading a file failed (missing, a directory, unreadable). */
export class FileReadError extends FileAccessError {
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('FILE_READ', 'read', path, reason, options);
  }
}

/** Writing a file failed (missing folder, read-only, disk full, ...). */
export class FileWriteError extends FileAccessError {
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('FILE_WRITE', 'write', path, reason, options);
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
