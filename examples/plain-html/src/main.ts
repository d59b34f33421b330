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

// One text per item, naming its cluster's topic: BM25 and the fusions search these.
const topics = ['wing flutter', 'heat transfer', 'shell buckling', 'sql injection', 'laser optics', 'orbit transfer', 'turbine blade', 'soil erosion'];
const documents = Array.from({ length: items }, (_, i) => `${topics[i % clusters]} report ${i}`);

const result: Record<string, unknown> = {};
try {
  const index = await EnergyIndex.build(vectors, { dimension: dims, seed: 1, backend: 'auto', documents });
  const query = centres.slice(3 * dims, 4 * dims); // the centre of cluster 3
  const cosine = await index.search(query, { k: 5, method: 'cosine' });
  const hybrid = await index.search(query, { k: 5, method: 'hybrid' });
  // Lexical search in the browser: BM25 over the items' texts, and the default (a fusion of text and vector).
  const bm25 = await index.search({ text: 'sql injection' }, { k: 5, method: 'bm25' });
  const fused = await index.search({ text: 'sql injection', vector: query }, { k: 5 });
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
    'BM25 top 5 for "sql injection":',
    ...bm25.map(line),
    'default (fusion of the text and the vector) top 5:',
    ...fused.map(line),
    `saved to OPFS and loaded back: hybrid top 5 ${JSON.stringify(again) === JSON.stringify(hybrid) ? 'identical' : 'DIFFERENT'}`,
  ].join('\n');
  status.textContent = 'Done.';
  Object.assign(result, { backend: backend.kind, clusters, cosine, hybrid, bm25, fused, reloaded: again });
  index.dispose();
  reloaded.dispose();
} catch (error) {
  status.textContent = `Failed: ${(error as Error).message}`;
  result.error = String(error);
}
(window as unknown as { __example: unknown }).__example = result;
