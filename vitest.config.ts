import { defineConfig } from 'vitest/config';
import { shaderAlias } from './scripts/shader-alias.mjs';

// Unit and GPU tests run in Node on Dawn (the `webgpu` package) with a software Vulkan
// driver (lavapipe). Each test file gets its own process and device.
export default defineConfig({
  resolve: { alias: shaderAlias },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    setupFiles: ['packages/gpu/test/setup-env.ts'],
    reporters: ['default'],
  },
});
