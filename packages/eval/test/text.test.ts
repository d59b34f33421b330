import { describe, expect, it } from 'vitest';
import { topKIndices } from '../src/index';

describe('topKIndices', () => {
  it('breaks ties by lower index and ranks NaN last', () => {
    expect(topKIndices([1, 3, 3, NaN, 2], 4)).toEqual([1, 2, 4, 0]);
    expect(topKIndices([1, 3, 3, NaN, 2], 3, true)).toEqual([0, 4, 1]);
    expect(topKIndices([5], 10)).toEqual([0]);
  });
});
