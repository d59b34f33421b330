/** Typed errors raised by opticspace. Every error carries a stable `code` for programmatic checks. */
export class OpticspaceError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** No WebGPU implementation or adapter is available in this environment. */
export class GpuUnavailableError extends OpticspaceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GPU_UNAVAILABLE', message, options);
  }
}

/** The GPU device was lost (driver reset, destroy(), out of memory on some drivers). */
export class DeviceLostError extends OpticspaceError {
  constructor(reason: string) {
    super('DEVICE_LOST', `The GPU device was lost: ${reason}. Create a new context with getDevice().`);
  }
}

/** A feature (e.g. shader-f16) is required but the adapter does not provide it. */
export class UnsupportedFeatureError extends OpticspaceError {
  constructor(feature: string, detail = '') {
    super('UNSUPPORTED_FEATURE', `The GPU adapter does not support '${feature}'.${detail ? ' ' + detail : ''}`);
  }
}

/** A buffer or dispatch would exceed a device limit. */
export class LimitExceededError extends OpticspaceError {
  constructor(what: string, requested: number, limit: number, hint = '') {
    super(
      'LIMIT_EXCEEDED',
      `${what} needs ${requested} but the device limit is ${limit}.${hint ? ' ' + hint : ''}`,
    );
  }
}

/** Tensor shapes or dtypes do not match what an operation expects. */
export class ShapeError extends OpticspaceError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** Input values are invalid (NaN, Infinity, empty, out of range). */
export class InvalidInputError extends OpticspaceError {
  constructor(message: string, code = 'INVALID_INPUT') {
    super(code, message);
  }
}

/** A named option or parameter is out of its range (the validators in validate.ts raise it). */
export class InvalidParameterError extends InvalidInputError {
  constructor(name: string, expected: string, actual: unknown) {
    super(`Parameter '${name}' must be ${expected}, got ${formatValue(actual)}.`, 'INVALID_PARAMETER');
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value); // JSON would print NaN and Infinity as null
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** WebGPU reported a validation or out-of-memory error for a submitted command. */
export class GpuExecutionError extends OpticspaceError {
  constructor(kind: string, message: string) {
    super('GPU_EXECUTION', `WebGPU ${kind} error: ${message}`);
  }
}
