import { loadBeirDataset, evaluateDataset, LexicalEmbedder, type Embedder } from '../../eval/src/index';
const dataset = await loadBeirDataset('/work/shared/datasets/cranfield');
const backend = (process.argv[2] ?? 'cpu') as 'cpu' | 'webgpu';
const normalise = process.env.NORMALISE === '1';
const base = new LexicalEmbedder({ dims: 128, seed: 42 });
function unit(v: Float32Array, d: number): Float32Array {
  for (let r = 0; r < v.length / d; r++) { let s = 0; for (let f = 0; f < d; f++) s += v[r*d+f]**2; s = Math.sqrt(s); if (s > 0) for (let f = 0; f < d; f++) v[r*d+f] /= s; }
  return v;
}
const embedder: Embedder = normalise ? {
  name: 'lsa-unit', dims: 128,
  fit: (docs) => base.fit(docs),
  embedDocuments: async (t) => unit(await base.embedDocuments(t), 128),
  embedQuery: async (t) => unit(await base.embedQuery(t), 128),
} : base;
const report = await evaluateDataset(dataset, { embedder, parameters: process.env.PARAMS ? JSON.parse(process.env.PARAMS) : undefined, build: { backend, ...(process.argv[3] ? JSON.parse(process.argv[3]) : {}) } });
console.log(JSON.stringify(Object.fromEntries(Object.entries(report.results).map(([k, v]) => [k, Math.round(v!['ndcg@10'] * 1000) / 1000]))));
console.log(JSON.stringify(report.build));
