/**
 * opticspace: one import for the WebGPU runtime (@opticspace/gpu) and the energy search index
 * (@opticspace/index), re-exported flat:
 *
 *   import { getDevice, EnergyIndex } from 'opticspace';
 *
 * The DeepSeek-OCR DeepEncoder is its own entry point, `opticspace/encoder`, so that an app
 * loaded without a bundler (an import map) fetches none of its ~40 modules unless it asks for
 * them; its TypeScript reference ops (add, gelu, layerNorm, ...) also share names with the
 * runtime's kernels. Each package alone: `opticspace/gpu`, `opticspace/index`, `opticspace/encoder`.
 */
export * from '@opticspace/gpu';
export * from '@opticspace/index';
