import { defineConfig } from 'vite';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoCorpusPlugin } from './scripts/demo-corpus-plugin';
import { shaderAlias } from './scripts/shader-alias.mjs';

const repoRoot = dirname(fileURLToPath(import.meta.url));

// Serves the demo (demo/) with the kernel check page (demo/kernels.html). WGSL files are
// imported as `@shaders/<area>/<op>.wgsl?raw`, which Vite inlines; the same files load in Node through
// scripts/wgsl-hooks.mjs. demoCorpusPlugin writes demo/public/cve-corpus.json and its embedding (from
// @opticspace/eval's CVE/CWE dataset) when it is missing or stale.
export default defineConfig({
  root: resolve(repoRoot, 'demo'),
  publicDir: resolve(repoRoot, 'demo/public'),
  plugins: [demoCorpusPlugin()],
  resolve: { alias: shaderAlias },
  // The demo's search engine runs in a module worker (demo/src/engine-worker.ts).
  worker: { format: 'es' },
  // Node-only native modules that some packages import lazily: never pre-bundle them for the browser.
  optimizeDeps: { exclude: ['@napi-rs/canvas', 'webgpu'] },
  server: {
    port: 5173,
    host: '127.0.0.1',
    fs: { allow: [resolve(repoRoot)] },
    // Transform the page's and the search worker's modules at start, not on the first visit.
    warmup: { clientFiles: ['./src/boot.ts', './src/main.ts', './src/engine-worker.ts'] },
  },
  preview: { port: 4173, host: '127.0.0.1' },
  build: {
    outDir: resolve(repoRoot, 'dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(repoRoot, 'demo/index.html'),
        kernels: resolve(repoRoot, 'demo/kernels.html'),
        'optical-check': resolve(repoRoot, 'demo/optical-check.html'),
      },
    },
  },
});
