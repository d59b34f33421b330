import { describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidParameterError, ShapeError, boolean, integer, oneOf, range } from '../src';

// The shared validators: each names the parameter, the expected range and the value it got.
describe('validators', () => {
  it('oneOf accepts listed strings and names the choices otherwise', () => {
    expect(oneOf('mode', 'b', ['a', 'b'])).toBe('b');
    expect(() => oneOf('mode', 'c', ['a', 'b'])).toThrow("Parameter 'mode' must be one of 'a', 'b', got 'c'.");
    expect(() => oneOf('mode', 3, ['a'])).toThrow(InvalidParameterError);
  });

  it('integer checks type, integrality and both bounds', () => {
    expect(integer('k', 5, 1, 10)).toBe(5);
    expect(() => integer('k', 0, 1, 10)).toThrow("Parameter 'k' must be an integer in [1, 10], got 0.");
    expect(() => integer('k', 2.5, 1)).toThrow("Parameter 'k' must be an integer >= 1, got 2.5.");
    expect(() => integer('k', '3', 1)).toThrow(InvalidParameterError);
    expect(() => integer('k', NaN, 1)).toThrow(InvalidParameterError);
  });

  it('range handles open and closed ends and rejects non-finite values', () => {
    expect(range('eta', 0, 0, 1, true)).toBe(0);
    expect(() => range('eta', 0, 0, 1, false)).toThrow("Parameter 'eta' must be a finite number in (0, 1], got 0.");
    expect(() => range('q', 1, 0, 1, true, false)).toThrow("Parameter 'q' must be a finite number in [0, 1), got 1.");
    expect(() => range('w', Infinity, 0, Infinity, true)).toThrow("Parameter 'w' must be a finite number in [0, inf), got Infinity.");
    expect(boolean('flag', false)).toBe(false);
    expect(() => boolean('flag', 'yes')).toThrow(InvalidParameterError);
  });

  it('InvalidParameterError is an InvalidInputError with its own code', () => {
    const error = new InvalidParameterError('k', 'an integer', -1);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).not.toBeInstanceOf(ShapeError);
    expect(error.code).toBe('INVALID_PARAMETER');
  });
});
