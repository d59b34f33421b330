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

const TOPIC_WORDS = [
  ['wing', 'flutter', 'supersonic', 'aeroelastic', 'panel', 'vibration', 'mach', 'airfoil'],
  ['heat', 'transfer', 'boundary', 'layer', 'laminar', 'turbulent', 'plate', 'temperature'],
  ['shell', 'buckling', 'cylindrical', 'pressure', 'load', 'stress', 'thin', 'compression'],
  ['injection', 'sql', 'login', 'query', 'database', 'attacker', 'input', 'escape'],
];
const FILLER_WORDS = ['method', 'result', 'study', 'analysis', 'model', 'experimental', 'theory', 'approach', 'the', 'of'];

/** Seeded short texts on 4 topics (document i is on topic i % 4), for the lexical methods. */
export function topicTexts(seed: number, count: number, words = 12): string[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const topic = TOPIC_WORDS[i % TOPIC_WORDS.length];
    return Array.from({ length: 3 + rng.int(words) }, () => (rng.next() < 0.7 ? topic[rng.int(topic.length)] : FILLER_WORDS[rng.int(FILLER_WORDS.length)])).join(' ');
  });
}
