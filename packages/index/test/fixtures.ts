/** Small seeded test data: clustered vectors (Gaussian blobs around random centres). */
import { SeededRandom } from '@opticspace/gpu';

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

export function rowsOf(flat: Float32Array, features: number): Float32Array[] {
  return Array.from({ length: flat.length / features }, (_, i) => flat.slice(i * features, (i + 1) * features));
}
