/**
 * The Vite plugin that keeps the demo's CVE corpus and its embedding current
 * (demo/public/cve-corpus.json and cve-corpus.embedding.bin): when either is missing or older
 * than its inputs, it runs scripts/build-demo-corpus.ts in a child process (through tsx), so
 * `npm start`, `vite build` and the e2e dev server always serve current files. A module of its
 * own so that loading the Vite config never loads the libraries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_CORPUS_PATH = resolve(ROOT, 'demo/public/cve-corpus.json');
export const DEMO_EMBEDDING_PATH = resolve(ROOT, 'demo/public/cve-corpus.embedding.bin');
const BUILDER = resolve(ROOT, 'scripts/build-demo-corpus.ts');
/** Files whose change makes the corpus or its embedding stale. */
const INPUTS = [
  BUILDER,
  resolve(ROOT, 'packages/eval/src/dataset/cve-cwe.ts'),
  resolve(ROOT, 'packages/eval/package.json'),
  resolve(ROOT, 'packages/eval/src/embedder/lexical-embedder.ts'),
  resolve(ROOT, 'packages/index/src/lexical/tokenizer.ts'),
  resolve(ROOT, 'demo/src/corpus-embedding.ts'),
  resolve(ROOT, 'demo/src/corpus.ts'),
];

function isStale(): boolean {
  const outputs = [DEMO_CORPUS_PATH, DEMO_EMBEDDING_PATH];
  if (!outputs.every((output) => existsSync(output))) return true;
  const written = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return INPUTS.some((input) => existsSync(input) && statSync(input).mtimeMs > written);
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
      const result = spawnSync(process.execPath, [resolve(ROOT, 'scripts/run-ts.mjs'), BUILDER], {
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

