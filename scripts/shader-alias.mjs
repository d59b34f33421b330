// One alias for the top-level shaders/ folder: `import source from '@shaders/linalg/matmul.wgsl?raw'`.
// Vite (demo, package builds), Vitest and the Node loader (scripts/wgsl-hooks.mjs) all resolve it
// from here, so no source file climbs parent folders to reach a shader.
import { fileURLToPath } from 'node:url';

export const SHADER_ALIAS = '@shaders';
export const shadersDir = fileURLToPath(new URL('../shaders', import.meta.url));

/** The `resolve.alias` entry for Vite and Vitest configs. */
export const shaderAlias = { [SHADER_ALIAS]: shadersDir };
