import { loadBeirDataset, LexicalEmbedder, embedDataset, ndcgAt } from '../../eval/src/index';
import { EnergyIndex } from '../src';
const dataset = await loadBeirDataset('/work/shared/datasets/cranfield');
const e = await embedDataset(dataset, new LexicalEmbedder({ dims: 128, seed: 42 }));
const index = await EnergyIndex.build(e.documents, { dimension: 128, backend: 'cpu', ...(process.argv[2] ? JSON.parse(process.argv[2]) : {}) });
const N = dataset.corpus.length;
const ids = dataset.corpus.map((d: any) => d.id ?? d._id);
const qids = dataset.queries.map((q: any) => q.id ?? q._id);
const judg = (dataset as any).qrels as Map<string, Map<string, number>>;
const rows = Array.from({ length: qids.length }, (_, i) => e.queries.subarray(i * 128, (i + 1) * 128));
const cos = await index.search(rows, { k: N, method: 'cosine' });
const en = await index.search(rows, { k: N, method: 'energy' });
for (const beta of [0, 0.1, 0.3, 1, 1000]) {
  let total = 0, count = 0;
  for (let b = 0; b < qids.length; b++) {
    const j = judg.get(qids[b]); if (!j || j.size === 0) continue;
    const score = new Float64Array(N);
    for (const h of cos[b]) score[h.index] += h.score;
    for (const h of en[b]) score[h.index] -= beta * h.score;
    const order = Array.from({ length: N }, (_, i) => i).sort((x, y) => score[y] - score[x] || x - y);
    total += ndcgAt(order.slice(0, 20).map((i) => ids[i]), j, 10); count++;
  }
  console.log('cosine -', beta, '* energy: nDCG@10', (total / count).toFixed(3));
}
