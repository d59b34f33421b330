// Builds an EnergyIndex over words embedded as letter-bigram counts and searches it as you type.
import { EnergyIndex } from 'opticspace';

const WORDS = (
  'energy index search vector graph laplacian diffusion cluster centroid spectral lambda cosine hybrid query ' +
  'browser shader kernel buffer device adapter pipeline tensor matrix gradient signal heat eigen feature token ' +
  'optical encoder patch window attention vision page render compress pixel image letter word sentence corpus'
).split(' ');
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
const DIMS = ALPHABET.length * 2;

/** First half: letter counts; second half: counts of letters that follow another letter. */
function embed(word: string): Float32Array {
  const vector = new Float32Array(DIMS);
  const letters = word.toLowerCase().replace(/[^a-z]/g, '');
  for (let i = 0; i < letters.length; i++) {
    const at = ALPHABET.indexOf(letters[i]);
    vector[at] += 1;
    if (i > 0) vector[ALPHABET.length + at] += 0.5;
  }
  return vector;
}

const status = document.querySelector<HTMLParagraphElement>('#status')!;
const results = document.querySelector<HTMLOListElement>('#results')!;
const input = document.querySelector<HTMLInputElement>('#query')!;

const vectors = new Float32Array(WORDS.length * DIMS);
WORDS.forEach((word, i) => vectors.set(embed(word), i * DIMS));
const index = await EnergyIndex.build(vectors, { dimension: DIMS, seed: 3, clusters: 6 });
status.textContent = `Indexed ${WORDS.length} words on ${index.backend.kind} (${index.backend.adapter}) in ${index.report.totalMs.toFixed(0)} ms.`;

async function search(): Promise<void> {
  const query = embed(input.value);
  if (!query.some((value) => value !== 0)) {
    results.replaceChildren();
    return;
  }
  const hits = await index.search(query, { k: 5, method: 'cosine' });
  results.replaceChildren(
    ...hits.map((hit) => {
      const item = document.createElement('li');
      item.textContent = `${WORDS[hit.index]} (${hit.score.toFixed(3)})`;
      return item;
    }),
  );
  (window as unknown as { __example: unknown }).__example = { backend: index.backend.kind, query: input.value, words: hits.map((hit) => WORDS[hit.index]) };
}

input.addEventListener('input', () => void search());
await search();
