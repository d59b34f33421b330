import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@opticspace/gpu';
import {
  compressionReport,
  countWords,
  entropyFromCounts,
  formatCompressionReport,
  grayscaleHistogram,
  imageEntropy,
  spatialCompression,
  textEntropy,
  tokenValueEntropy,
  type RgbaImage,
} from '../src/index';

function solidImage(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { width, height, data };
}

describe('Shannon entropy', () => {
  it('is 0 for one repeated symbol and 1 bit for two equally frequent ones', () => {
    expect(textEntropy('aaaa')).toEqual({ symbols: 4, distinct: 1, bitsPerSymbol: 0, totalBits: 0 });
    const ab = textEntropy('ab'.repeat(50));
    expect(ab.bitsPerSymbol).toBeCloseTo(1, 12);
    expect(ab.totalBits).toBeCloseTo(100, 9);
  });
  it('is log2(k) for k equally frequent symbols and counts code points, not UTF-16 units', () => {
    expect(textEntropy('abcdefgh').bitsPerSymbol).toBeCloseTo(3, 12);
    expect(textEntropy('😀😀x').symbols).toBe(3);
  });
  it('matches the closed form for a skewed distribution', () => {
    const p = [0.5, 0.25, 0.25];
    const expected = -p.reduce((s, q) => s + q * Math.log2(q), 0);
    expect(entropyFromCounts([2, 1, 1]).bitsPerSymbol).toBeCloseTo(expected, 12);
    expect(() => entropyFromCounts([1, -1])).toThrow(InvalidInputError);
  });
  it('bins token values into equal-width levels', () => {
    expect(tokenValueEntropy(Float32Array.of(3, 3, 3)).bitsPerSymbol).toBe(0);
    // Two values at the ends of the range: bins 0 and 255, half each -> 1 bit.
    expect(tokenValueEntropy(Float32Array.of(-1, 1, -1, 1)).bitsPerSymbol).toBeCloseTo(1, 12);
    // 4 bins over [0, 1]: 0, 0.3, 0.6, 1 fall into bins 0, 1, 2, 3 -> 2 bits.
    const four = tokenValueEntropy(Float32Array.of(0, 0.3, 0.6, 1), 4);
    expect(four.bitsPerSymbol).toBeCloseTo(2, 12);
    expect(four.totalBits).toBeCloseTo(8, 12);
    expect(() => tokenValueEntropy(Float32Array.of(1, Number.NaN))).toThrow(/token value 1 is NaN/);
    expect(() => tokenValueEntropy(new Float32Array(0))).toThrow(/empty/);
  });
  it('uses PIL luma weights for the grayscale histogram', () => {
    const image = solidImage(2, 2, [255, 0, 0]);
    // (255 * 19595 + 32768) >> 16 = 76 (PIL gives 76 for pure red).
    expect(grayscaleHistogram(image)[76]).toBe(4);
    expect(imageEntropy([solidImage(4, 1, [0, 0, 0]), solidImage(4, 1, [255, 255, 255])]).bitsPerSymbol).toBeCloseTo(1, 12);
  });
});

describe('spatial compression', () => {
  it('counts 16 patches per content token in every mode', () => {
    const tiny = spatialCompression([{ width: 512, height: 512 }], 'tiny');
    expect(tiny.patchesIn).toBe(32 * 32);
    expect(tiny.contentTokensOut).toBe(64);
    expect(tiny.visionTokensOut).toBe(73);
    expect(tiny.ratio).toBe(16);
    const gundam = spatialCompression([{ width: 1280, height: 1920 }], 'gundam');
    expect(gundam.patchesIn).toBe(64 * 64 + 6 * 40 * 40);
    expect(gundam.contentTokensOut).toBe(256 + 6 * 100);
    expect(gundam.visionTokensOut).toBe(30 * 21 + 273);
    expect(gundam.ratio).toBe(16);
  });
  it('reports words per vision token for a known text', () => {
    expect(countWords('  one two\nthree  ')).toBe(3);
    expect(countWords('   ')).toBe(0);
    const text = 'word '.repeat(146).trim();
    const report = compressionReport(text, 'tiny', [solidImage(512, 512, [255, 255, 255])]);
    expect(report.words).toBe(146);
    expect(report.wordsPerVisionToken).toBeCloseTo(146 / 73, 12);
    expect(report.imageEntropy.bitsPerSymbol).toBe(0);
    expect(report.tokenEntropy).toBeUndefined();
    expect(formatCompressionReport(report)).toContain('1024 patches in -> 64 content tokens (16x)');
    const withTokens = compressionReport(text, 'tiny', [solidImage(512, 512, [255, 255, 255])], { values: Float32Array.of(0, 1) });
    expect(withTokens.tokenEntropy?.bitsPerSymbol).toBeCloseTo(1, 12);
  });
});
