/**
 * Writes the demo's CVE corpus, demo/public/cve-corpus.json, from @opticspace/eval's CVE/CWE
 * dataset (CWE Observed_Examples in npm `cwe-sdk`; see packages/eval/src/dataset/cve-cwe.ts),
 * and its embedding, demo/public/cve-corpus.embedding.bin: the lexical embedder fitted on the
 * documents and their vectors (demo/src/corpus-embedding.ts), so the page only builds the index.
 *
 *   node scripts/run-ts.mjs scripts/build-demo-corpus.ts      # write them now
 *
 * The root vite.config.ts adds `demoCorpusPlugin()` (scripts/demo-corpus-plugin.ts), which runs
 * this script whenever the files are missing or older than their inputs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCveCweDataset, loadCweSdkData, SEED_QUERIES } from '@opticspace/eval';
import { documentText } from '../demo/src/corpus';
import { encodeCorpusEmbedding } from '../demo/src/corpus-embedding';
import { DEMO_CORPUS_PATH, DEMO_EMBEDDING_PATH, ROOT } from './demo-corpus-plugin';

export async function buildDemoCorpus(outputPath = DEMO_CORPUS_PATH, embeddingPath = DEMO_EMBEDDING_PATH): Promise<{ documents: number; embeddingBytes: number }> {
  const data = await loadCweSdkData();
  const { dataset, report } = buildCveCweDataset(data.dictionary, data.hierarchy);
  const cweName = (label: string): string | undefined => data.dictionary[label.replace(/^CWE-/, '')]?.attr?.['@_Name'];
  const documents = dataset.corpus.map((document) => {
    const labels = (document.metadata?.cwe as string[] | undefined) ?? [];
    return { id: document.id, title: document.title, text: document.text, label: labels[0], labels };
  });
  const examples = SEED_QUERIES.map((seed) => ({
    id: seed.id,
    text: seed.text,
    cwes: seed.cwes.map((id) => `CWE-${id}`),
    why: seed.why,
    relevant: Object.fromEntries(dataset.qrels.get(seed.id) ?? []),
  }));
  // The cwe-sdk catalogue pruned to the CWEs the corpus and its examples name.
  const used = [...new Set([...documents.flatMap((document) => document.labels), ...examples.flatMap((example) => example.cwes)])];
  const labelNames = Object.fromEntries(
    used
      .map((label) => [label, cweName(label)] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
      .sort(([a], [b]) => Number(a.slice(4)) - Number(b.slice(4))),
  );
  const corpus = {
    name: 'CVE corpus',
    source: `CWE Observed_Examples (cwe-sdk ${data.version}): ${report.documents} CVEs under ${report.weaknessesWithExamples} weaknesses`,
    documents,
    examples,
    labelNames,
  };
  const embedding = encodeCorpusEmbedding(documents.map(documentText));
  mkdirSync(dirname(outputPath), { recursive: true });
  writeFileSync(embeddingPath, embedding);
  writeFileSync(outputPath, JSON.stringify(corpus));
  return { documents: documents.length, embeddingBytes: embedding.byteLength };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { documents, embeddingBytes } = await buildDemoCorpus();
  console.log(
    `wrote ${relative(ROOT, DEMO_CORPUS_PATH)}: ${documents} documents; ` +
      `${relative(ROOT, DEMO_EMBEDDING_PATH)}: ${(embeddingBytes / 1024).toFixed(0)} KiB (embedder and vectors, f16)`,
  );
}
