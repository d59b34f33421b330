import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { shaderAlias } from '../scripts/shader-alias.mjs';

// Browser end-to-end tests: a Vite dev server serves the demo and check pages, and
// playwright-core drives Debian's Chromium (/usr/bin/chromium) with WebGPU on SwiftShader.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: { alias: shaderAlias },
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    setupFiles: ['packages/gpu/test/setup-env.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
