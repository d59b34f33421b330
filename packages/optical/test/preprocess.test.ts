import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@opticspace/gpu';
import {
  containSize,
  createRgbImage,
  normalizeImage,
  padPlacement,
  padToSize,
  prepareImage,
  pythonRound,
  resizeBicubic,
  type RgbImage,
} from '../src/index';

interface Fixture {
  pillow: string;
  cases: Array<{
    width: number;
    height: number;
    input: string;
    resized: Array<{ width: number; height: number; data: string }>;
    padded: Array<{ width: number; height: number; data: string }>;
  }>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/pillow-resize.json', import.meta.url), 'utf8')) as Fixture;
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} vs ${b[i]}`;
  return 'none';
}

describe(`bicubic resize and pad match Pillow ${fixture.pillow} byte for byte`, () => {
  for (const entry of fixture.cases) {
    const input: RgbImage = { width: entry.width, height: entry.height, data: bytes(entry.input) };
    for (const expected of entry.resized) {
      it(`resize ${entry.width}x${entry.height} -> ${expected.width}x${expected.height}`, () => {
        const out = resizeBicubic(input, expected.width, expected.height);
        expect([out.width, out.height]).toEqual([expected.width, expected.height]);
        const want = bytes(expected.data);
        expect(firstDifference(out.data, want)).toBe('none');
      });
    }
    for (const expected of entry.padded) {
      it(`ImageOps.pad ${entry.width}x${entry.height} -> ${expected.width}x${expected.height}`, () => {
        const out = padToSize(input, expected.width, expected.height);
        expect(firstDifference(out.data, bytes(expected.data))).toBe('none');
      });
    }
  }
});

describe('python rounding and pad placement', () => {
  it('rounds halves to even like Python 3', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(pythonRound)).toEqual([0, 2, 2, 0, -2, 2, 3]);
  });
  it('contains a 2000 x 1000 image in 1024 as 1024 x 512, centred vertically', () => {
    expect(containSize(2000, 1000, 1024, 1024)).toEqual([1024, 512]);
    expect(padPlacement(2000, 1000, 1024, 1024)).toEqual({ width: 1024, height: 512, left: 0, top: 256 });
    // 1000 x 3 -> height round(3.072) = 3, top round(510.5) = 510 (half to even).
    expect(padPlacement(1000, 3, 1024, 1024)).toEqual({ width: 1024, height: 3, left: 0, top: 510 });
    expect(padPlacement(3, 1000, 1024, 1024)).toEqual({ width: 3, height: 1024, left: 510, top: 0 });
  });
});

describe('normalisation', () => {
  it('maps bytes to (v / 255 - 0.5) / 0.5 channel-first', () => {
    const image: RgbImage = { width: 2, height: 1, data: new Uint8Array([0, 127, 255, 255, 0, 51]) };
    const out = normalizeImage(image);
    expect(out.length).toBe(6);
    // [R(0,0), R(1,0), G(0,0), G(1,0), B(0,0), B(1,0)]
    expect(out[0]).toBe(-1);
    expect(out[1]).toBe(1);
    expect(out[2]).toBeCloseTo(127 / 255 / 0.5 - 1, 6);
    expect(out[3]).toBe(-1);
    expect(out[4]).toBe(1);
    expect(out[5]).toBeCloseTo(51 / 255 / 0.5 - 1, 6);
  });
});

describe('prepareImage per mode', () => {
  const wide = createRgbImage(900, 300, [200, 10, 30]);
  it('Tiny stretches to 512 (no padding) and gives 73 tokens', () => {
    const prepared = prepareImage(wide, 'tiny');
    expect(prepared.global.size).toBe(512);
    expect(prepared.global.pixels.length).toBe(3 * 512 * 512);
    expect(prepared.crops).toHaveLength(0);
    expect(prepared.layout.total).toBe(8 * 9 + 1);
    // Every pixel is the image colour: nothing was padded.
    expect(prepared.globalImage.data[(511 * 512 + 511) * 3]).toBe(200);
  });
  it('Base pads to 1024 with grey 127 and keeps the aspect ratio', () => {
    const prepared = prepareImage(wide, 'base');
    expect(prepared.layout.total).toBe(16 * 17 + 1);
    const g = prepared.globalImage;
    // 900 x 300 -> 1024 x 341 at top round((1024 - 341) / 2) = round(341.5) = 342.
    expect(padPlacement(900, 300, 1024, 1024)).toEqual({ width: 1024, height: 341, left: 0, top: 342 });
    expect(Array.from(g.data.subarray(0, 3))).toEqual([127, 127, 127]);
    expect(Array.from(g.data.subarray((400 * 1024 + 10) * 3, (400 * 1024 + 10) * 3 + 3))).toEqual([200, 10, 30]);
    expect(Array.from(g.data.subarray((341 * 1024) * 3, (341 * 1024) * 3 + 3))).toEqual([127, 127, 127]);
    expect(prepared.global.pixels[0]).toBeCloseTo(127 / 255 / 0.5 - 1, 6);
  });
  it('Gundam cuts 3 x 1 crops of 640 for a 3:1 image and lays out tokens', () => {
    const prepared = prepareImage(wide, 'gundam');
    expect(prepared.layout.tiles).toEqual({ columns: 3, rows: 1 });
    expect(prepared.crops).toHaveLength(3);
    expect(prepared.crops.every((c) => c.size === 640 && c.pixels.length === 3 * 640 * 640)).toBe(true);
    expect(prepared.global.size).toBe(1024);
    expect(prepared.layout.total).toBe(10 * (3 * 10 + 1) + 16 * 17 + 1);
  });
  it('rejects empty images', () => {
    expect(() => prepareImage({ width: 0, height: 5, data: new Uint8Array(0) }, 'base')).toThrow(InvalidInputError);
    expect(() => prepareImage(wide, 'huge' as never)).toThrow(/unknown resolution mode 'huge'/);
    expect(() => prepareImage({ width: 4, height: 4, data: new Uint8Array(47) }, 'tiny')).toThrow(/48 bytes \(4 x 4 x 3 RGB\), got 47/);
    expect(() => resizeBicubic(wide, 0, 10)).toThrow(/resize target size must be positive/);
  });
});
