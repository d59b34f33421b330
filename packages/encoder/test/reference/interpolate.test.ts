import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@opticspace/gpu';
import { antialiasBicubicTaps, resizeBicubicAntialias, resizeLinearRows } from '../../src';

// Exactness against torch is covered end to end by the PyTorch fixtures (pos-embed 20->16 and
// 8->12, rel-pos 39->31 and 15->23, CLIP 6->4 and 2->3); these check the defining properties.
describe('weight resizing', () => {
  it('antialiased bicubic taps sum to 1 and widen when shrinking', () => {
    for (const [from, to] of [
      [64, 32],
      [64, 40],
      [16, 8],
      [8, 12],
      [2, 3],
    ]) {
      const taps = antialiasBicubicTaps(from, to);
      for (const weights of taps.weights) expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const widest = Math.max(...taps.weights.map((w) => w.length));
      expect(widest).toBeLessThanOrEqual(from > to ? Math.ceil(4 * (from / to)) + 1 : 5);
      if (from >= 2 * to) expect(widest).toBeGreaterThan(4);
    }
  });

  it('same size is the identity; a constant grid stays constant', () => {
    const grid = new SeededRandom(1).uniformArray(5 * 5 * 2);
    expect(resizeBicubicAntialias(grid, 5, 5, 2, 5, 5)).toBe(grid);
    const constant = new Float32Array(10 * 10 * 3).fill(0.7);
    for (const value of resizeBicubicAntialias(constant, 10, 10, 3, 7, 7)) expect(value).toBeCloseTo(0.7, 6);
    for (const value of resizeBicubicAntialias(constant, 10, 10, 3, 13, 13)) expect(value).toBeCloseTo(0.7, 6);
  });

  it('linear row resize (align_corners=False) keeps the ends and interpolates a ramp', () => {
    const ramp = Float32Array.from({ length: 5 }, (_, i) => i);
    const out = resizeLinearRows(ramp, 5, 1, 9);
    // torch: F.interpolate(arange(5), size=9, mode='linear') = clamp((i + 0.5) * 5/9 - 0.5, 0, 4)
    for (let i = 0; i < 9; i++) expect(out[i]).toBeCloseTo(Math.min(Math.max((i + 0.5) * (5 / 9) - 0.5, 0), 4), 6);
    expect(resizeLinearRows(ramp, 5, 1, 5)).toBe(ramp);
  });
});
