/** Option validation shared by the build, search and lexical parameters: typed one-line errors. */
import { InvalidParameterError } from './errors';

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function oneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) throw new InvalidParameterError(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
}

export function integer(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidParameterError(name, `an integer in [${min}, ${max}]`, value);
  }
}

export function range(name: string, value: unknown, min: number, max: number, minInclusive: boolean, maxInclusive = true): void {
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
}
