import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// Inside the opticspace repository this app uses the packages' built ESM (pnpm -r build), the
// same files npm users install. In an app of your own, drop the aliases: `npm i opticspace`.
const packageDist = (name: string): string => fileURLToPath(new URL(`../../packages/${name}/dist/index.js`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      { find: /^opticspace$/, replacement: packageDist('opticspace') },
      { find: /^@opticspace\/(gpu|index|encoder)$/, replacement: packageDist('$1') },
    ],
  },
  // Relative asset URLs, so the built app runs from any folder of a static server.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
