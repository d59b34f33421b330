import { describe, expect, it } from 'vitest';
import { encodeReference, encoderGeometry } from '../../src';
import { FIXTURE_NAMES, loadFixture, relativeError } from '../fixture';

// The plain-TS forward pass against the independent PyTorch implementation
// (scripts/encoder-fixtures/make_fixtures.py). Tolerance: 1e-3 relative to the largest value.
describe('encodeReference matches the PyTorch fixture', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: SAM intermediates, CLIP output and tokens`, async () => {
      const fixture = await loadFixture(name);
      const result = encodeReference(fixture.pixels, fixture.weights);
      const geometry = encoderGeometry(fixture.config);
      expect(fixture.expected.tokens.shape).toEqual([geometry.tokenCount, fixture.config.projectorDim]);
      expect(relativeError(result.sam.blocks, fixture.expected['sam-blocks'].data)).toBeLessThan(1e-3);
      expect(relativeError(result.sam.neck, fixture.expected.neck.data)).toBeLessThan(1e-3);
      expect(relativeError(result.sam.features, fixture.expected['sam-features'].data)).toBeLessThan(1e-3);
      expect(relativeError(result.clip, fixture.expected.clip.data)).toBeLessThan(1e-3);
      expect(relativeError(result.tokens, fixture.expected.tokens.data)).toBeLessThan(1e-3);
    });
  }
});
