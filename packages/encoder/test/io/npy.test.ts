import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@opticspace/gpu';
import { NpyFormatError, parseNpy, writeNpy } from '../../src';

describe('npy reader/writer', () => {
  it('round-trips float32 arrays of several ranks', () => {
    const rng = new SeededRandom(3);
    for (const shape of [[5], [2, 3], [1, 3, 4, 4], []]) {
      const data = rng.normalArray(shape.reduce((a, b) => a * b, 1));
      const parsed = parseNpy(writeNpy(data, shape));
      expect(parsed.shape).toEqual(shape);
      expect(Array.from(parsed.data)).toEqual(Array.from(data));
    }
  });

  it('header is 64-byte aligned like numpy writes it', () => {
    const bytes = writeNpy(new Float32Array(6), [2, 3]);
    expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
  });

  const broken = (edit: (bytes: Uint8Array) => Uint8Array) => edit(writeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]));
  const replaceHeader = (from: string, to: string) => (bytes: Uint8Array) => {
    const text = new TextDecoder('latin1').decode(bytes.subarray(0, 74)).replace(from, to.padEnd(from.length, ' '));
    const out = bytes.slice();
    out.set(new Uint8Array([...text].map((c) => c.charCodeAt(0))));
    return out;
  };
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['no magic', new Uint8Array(20), /magic/],
    ['truncated data', broken((b) => b.subarray(0, b.length - 4)), /needs 16 data bytes, file has 12/],
    ['int dtype', broken(replaceHeader("'<f4'", "'<i4'")), /dtype '<i4' is not supported/],
    ['fortran order', broken(replaceHeader('False', 'True,')), /fortran_order/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(() => parseNpy(bytes)).toThrow(NpyFormatError);
      expect(() => parseNpy(bytes)).toThrow(message);
    });
  }
  it('rejects a shape that does not match the data when writing', () => {
    expect(() => writeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values but 5/);
  });
});
