/** Small seeded test data: clustered vectors (Gaussian blobs around random centres). */
export { clusteredVectors } from '../src/synthetic';

export function rowsOf(flat: Float32Array, features: number): Float32Array[] {
  return Array.from({ length: flat.length / features }, (_, i) => flat.slice(i * features, (i + 1) * features));
}
