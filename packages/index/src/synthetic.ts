/** Seeded synthetic corpora for tests, self-checks and benchmarks. */
import { SeededRandom } from '@opticspace/gpu';

/** `items` rows of `features` values: Gaussian blobs (spread `spread`) around `clusters` random centres. */
export function clusteredVectors(seed: number, items: number, features: number, clusters = 8, spread = 0.3): Float32Array {
  const rng = new SeededRandom(seed);
  const centres = rng.normalArray(clusters * features);
  const out = new Float32Array(items * features);
  for (let i = 0; i < items; i++) {
    const c = rng.int(clusters);
    for (let f = 0; f < features; f++) out[i * features + f] = centres[c * features + f] + spread * rng.normal();
  }
  return out;
}
