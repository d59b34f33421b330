import { InvalidInputError } from '@opticspace/gpu';

/**
 * The encoder returns one view as grid rows each followed by a newline token, then the
 * separator: grid * (grid + 1) + 1 tokens. This keeps only the grid x grid features.
 */
export function globalViewFeatures(tokens: Float32Array, dims: number): Float32Array {
  const count = tokens.length / dims;
  // count = g^2 + g + 1  =>  g = (-1 + sqrt(4 count - 3)) / 2
  const grid = Math.round((-1 + Math.sqrt(4 * count - 3)) / 2);
  if (!Number.isInteger(count) || grid * (grid + 1) + 1 !== count) {
    throw new InvalidInputError(`encoder output has ${count} tokens of ${dims}; expected grid * (grid + 1) + 1`);
  }
  const out = new Float32Array(grid * grid * dims);
  for (let row = 0; row < grid; row++) {
    out.set(tokens.subarray(row * (grid + 1) * dims, (row * (grid + 1) + grid) * dims), row * grid * dims);
  }
  return out;
}
