/** Small seeded test data: clustered vectors (Gaussian blobs around random centres). */
import { SeededRandom } from '@opticspace/gpu';
export { clusteredVectors } from '../src/synthetic';

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

/**
 * Seeded short texts on 4 topics (document i is on topic i % 4), for the lexical methods: common
 * topic words, filler, and rare per-topic words ("wingx7") that feedback can pick up.
 */
export function topicTexts(seed: number, count: number, words = 12): string[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const topic = TOPIC_WORDS[i % TOPIC_WORDS.length];
    const word = (): string => {
      const draw = rng.next();
      if (draw < 0.55) return topic[rng.int(topic.length)];
      if (draw < 0.8) return `${topic[0]}x${rng.int(12)}`;
      return FILLER_WORDS[rng.int(FILLER_WORDS.length)];
    };
    return Array.from({ length: 3 + rng.int(words) }, word).join(' ');
  });
}

/** Vectors that agree with topicTexts: item i lies near the centre of topic i % 4. */
export function topicVectors(seed: number, count: number, features: number, spread = 0.8): Float32Array {
  const rng = new SeededRandom(seed);
  const centres = rng.normalArray(TOPIC_WORDS.length * features);
  const out = new Float32Array(count * features);
  for (let i = 0; i < count; i++) {
    const c = i % TOPIC_WORDS.length;
    for (let f = 0; f < features; f++) out[i * features + f] = centres[c * features + f] + spread * rng.normal();
  }
  return out;
}
