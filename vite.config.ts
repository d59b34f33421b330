import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// Serves the demo (demo/) with the kernel check page (demo/kernels.html). WGSL files are
// imported with `?raw`, which Vite inlines; the same files load in Node through
// scripts/wgsl-hooks.mjs.
export default defineConfig({
  root: resolve(__dirname, 'demo'),
  publicDir: resolve(__dirname, 'demo/public'),
  server: { port: 5173, host: '127.0.0.1', fs: { allow: [resolve(__dirname)] } },
  preview: { port: 4173, host: '127.0.0.1' },
  build: {
    outDir: resolve(__dirname, 'dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(__dirname, 'demo/index.html'),
        kernels: resolve(__dirname, 'demo/kernels.html'),
      },
    },
  },
});
