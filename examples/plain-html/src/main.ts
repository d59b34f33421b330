// Compiled by `tsc` to build/main.js; the page's import map resolves 'opticspace'.
import { EnergyIndex, SeededRandom, type SearchHit } from 'opticspace';

const status = document.querySelector<HTMLParagraphElement>('#status')!;
const output = document.querySelector<HTMLPreElement>('#output')!;

// 8 clusters of 150 points around random centres: item i belongs to cluster i % 8.
const dims = 64;
const clusters = 8;
const items = 1200;
const random = new SeededRandom(7);
const centres = random.normalArray(clusters * dims, 1);
const vectors = new Float32Array(items * dims);
for (let i = 0; i < items; i++) {
  for (let d = 0; d < dims; d++) vectors[i * dims + d] = centres[(i % clusters) * dims + d] + 0.3 * random.normal();
}

const result: Record<string, unknown> = {};
try {
  const index = await EnergyIndex.build(vectors, { dimension: dims, seed: 1, backend: 'auto' });
  const query = centres.slice(3 * dims, 4 * dims); // the centre of cluster 3
  const cosine = await index.search(query, { k: 5, method: 'cosine' });
  const hybrid = await index.search(query, { k: 5, method: 'hybrid' });
  // A name saves to the origin private file system (OPFS); a FileSystemFileHandle works too.
  await index.save('clusters.opsx');
  const reloaded = await EnergyIndex.load('clusters.opsx');
  const again = await reloaded.search(query, { k: 5, method: 'hybrid' });
  const { backend, report } = index;
  const line = (hit: SearchHit) => `  item ${hit.index} (cluster ${hit.index % clusters})  score ${hit.score.toFixed(4)}`;
  output.textContent = [
    `backend: ${backend.kind} (${backend.adapter}); built in ${report.totalMs.toFixed(0)} ms`,
    'cosine top 5 for the centre of cluster 3:',
    ...cosine.map(line),
    'hybrid (cosine candidates re-ranked by energy) top 5:',
    ...hybrid.map(line),
    `saved to OPFS and loaded back: hybrid top 5 ${JSON.stringify(again) === JSON.stringify(hybrid) ? 'identical' : 'DIFFERENT'}`,
  ].join('\n');
  status.textContent = 'Done.';
  Object.assign(result, { backend: backend.kind, clusters, cosine, hybrid, reloaded: again });
  index.dispose();
  reloaded.dispose();
} catch (error) {
  status.textContent = `Failed: ${(error as Error).message}`;
  result.error = String(error);
}
(window as unknown as { __example: unknown }).__example = result;
