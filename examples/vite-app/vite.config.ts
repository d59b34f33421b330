import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs, so the built app runs from any folder of a static server.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
