import { describe, expect, it } from 'vitest';
import { ContainerFormatError, isContainer, readSections, writeSections } from '../src';
import { reportCount } from '../../../test/support/counts';

const text = (value: string) => new TextEncoder().encode(value);
const sections = [
  { name: 'first', bytes: text('hello, container') },
  { name: 'empty', bytes: new Uint8Array(0) },
  { name: 'floats', bytes: new Uint8Array(new Float32Array([1.5, -2, 3e8]).buffer) },
];

describe('writeSections / readSections', () => {
  const bytes = writeSections('test-kind', sections);

  it('round-trips every section, 8-byte aligned, with the kind', () => {
    const read = readSections(bytes, { kind: 'test-kind' });
    expect(read.kind).toBe('test-kind');
    expect(read.names).toEqual(['first', 'empty', 'floats']);
    for (const { name, bytes: expected } of sections) {
      expect(read.get(name)).toEqual(expected);
      expect(read.get(name).byteOffset % 8).toBe(0);
    }
    expect(new Float32Array(read.get('floats').slice().buffer)).toEqual(new Float32Array([1.5, -2, 3e8]));
    expect(bytes.length % 8).toBe(0);
    expect(isContainer(bytes)).toBe(true);
    expect(isContainer(text('OPSPIDX\0 not a container'))).toBe(false);
  });

  it('names what is wrong: kind, missing section, duplicate names, foreign file', () => {
    expect(() => readSections(bytes, { kind: 'other', source: 'x.osx' })).toThrow("x.osx: holds 'test-kind', expected 'other'");
    expect(() => readSections(bytes).get('nope')).toThrow(/has no 'nope' section \(it holds first, empty, floats\)/);
    expect(() => writeSections('k', [sections[0], sections[0]])).toThrow(ContainerFormatError);
    expect(() => readSections(text('{"json": true}'), { source: 'y' })).toThrow(/y: not an opticspace container/);
  });

  it('detects every single-bit flip and every truncation or extension (every byte is checked)', () => {
    let cases = 0;
    for (let position = 0; position < bytes.length; position++) {
      for (let bit = 0; bit < 8; bit++) {
        const corrupted = bytes.slice();
        corrupted[position] ^= 1 << bit;
        expect(() => readSections(corrupted), `flip of byte ${position} bit ${bit}`).toThrow(ContainerFormatError);
        cases++;
      }
    }
    for (let length = 0; length < bytes.length; length++) {
      expect(() => readSections(bytes.subarray(0, length)), `truncated to ${length}`).toThrow(ContainerFormatError);
      cases++;
    }
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expect(() => readSections(longer)).toThrow(/longer than its section table says/);
    reportCount('container', 'exhaustive bit flips + truncations', cases + 1);
  });
});
