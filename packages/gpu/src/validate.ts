/**
 * The one way options and shapes are checked across packages: each validator throws a typed
 * error that names the parameter (or tensor), what was expected and what came.
 */
import { InvalidParameterError, ShapeError } from './errors';
import { shapeToString, type Tensor } from './tensor';

/** The defined fields of an options object, to spread over defaults. */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `value` is one of `allowed`. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new InvalidParameterError(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value as T;
}

/** `value` is an integer in [min, max]. */
export function integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const bound = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new InvalidParameterError(name, `an integer ${bound}`, value);
  }
  return value;
}

/** `value` is a finite number between min and max (each end inclusive or not). */
export function range(name: string, value: unknown, min: number, max: number, minInclusive: boolean, maxInclusive = true): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minInclusive ? value >= min : value > min) &&
    (maxInclusive ? value <= max : value < max);
  if (!ok) {
    const low = minInclusive ? '[' : '(';
    const high = maxInclusive && Number.isFinite(max) ? ']' : ')';
    throw new InvalidParameterError(name, `a finite number in ${low}${min}, ${Number.isFinite(max) ? max : 'inf'}${high}`, value);
  }
  return value as number;
}

/** `value` is a boolean. */
export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidParameterError(name, 'a boolean', value);
  return value;
}

/** Throws unless the tensor holds exactly `expected` elements (`shape` describes them for the message). */
export function expectSize(op: string, name: string, tensor: Tensor, expected: number, shape: string): void {
  if (tensor.size !== expected) {
    throw new ShapeError(`${op}: ${name} must be ${shape} (${expected} values), got ${shapeToString(tensor.shape)} (${tensor.size})`);
  }
}

/** Element type of float tensors that must share one dtype; throws naming each tensor. */
export function sameFloatType(op: string, tensors: Record<string, Tensor>): 'f32' | 'f16' {
  const entries = Object.entries(tensors);
  const dtype = entries[0][1].dtype;
  if (dtype !== 'f32' && dtype !== 'f16') throw new ShapeError(`${op}: needs f32 or f16 tensors, got ${entries[0][0]} ${dtype}`);
  for (const [name, tensor] of entries) {
    if (tensor.dtype !== dtype) throw new ShapeError(`${op}: ${name} is ${tensor.dtype} but ${entries[0][0]} is ${dtype}`);
  }
  return dtype;
}
