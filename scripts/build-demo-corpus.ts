/**
 * Writes the demo's CVE corpus, demo/public/cve-corpus.json, from @opticspace/eval's CVE/CWE
 * dataset (CWE Observed_Examples in npm `cwe-sdk`; see packages/eval/src/dataset/cve-cwe.ts).
 *
 *   node scripts/run-ts.mjs scripts/build-demo-corpus.ts      # write it now
 *
 * The root vite.config.ts adds `demoCorpusPlugin()`, which runs this script (in a child
 * process, through tsx) whenever the file is missing or older than its inputs, so `npm start`,
 * `vite build` and the e2e dev server always serve a current corpus.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_CORPUS_PATH = resolve(ROOT, 'demo/public/cve-corpus.json');
/** Files whose change makes the corpus stale. */
const INPUTS = [fileURLToPath(import.meta.url), resolve(ROOT, 'packages/eval/src/dataset/cve-cwe.ts'), resolve(ROOT, 'packages/eval/package.json')];

function isStale(): boolean {
  if (!existsSync(DEMO_CORPUS_PATH)) return true;
  const written = statSync(DEMO_CORPUS_PATH).mtimeMs;
  return INPUTS.some((input) => existsSync(input) && statSync(input).mtimeMs > written);
}

/** Builds the corpus (Node only) and writes it; returns the number of documents. */
export async function buildDemoCorpus(outputPath = DEMO_CORPUS_PATH): Promise<number> {
  const { buildCveCweDataset, loadCweSdkData, SEED_QUERIES } = await import('@opticspace/eval');
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
  mkdirSync(dirname(outputPath), { recursive: true });
  writeFileSync(outputPath, JSON.stringify(corpus));
  return documents.length;
}

/**
 * Vite plugin: (re)builds the corpus when stale, as soon as the config is resolved: before the
 * dev server lists the public directory and before a build copies it.
 */
export function demoCorpusPlugin(): { name: string; configResolved(): void } {
  return {
    name: 'opticspace:demo-corpus',
    configResolved() {
      if (!isStale()) return;
      const started = Date.now();
      const result = spawnSync(process.execPath, [resolve(ROOT, 'scripts/run-ts.mjs'), fileURLToPath(import.meta.url)], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      if (result.status !== 0) {
        throw new Error(`building ${relative(ROOT, DEMO_CORPUS_PATH)} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
      }
      console.info(`[opticspace] ${result.stdout.trim()} (${Date.now() - started} ms)`);
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const count = await buildDemoCorpus();
  console.log(`wrote ${relative(ROOT, DEMO_CORPUS_PATH)}: ${count} documents`);
}
