/**
 * opticspace: one import for the WebGPU runtime (@opticspace/gpu), the energy search index
 * (@opticspace/index) and the DeepSeek-OCR DeepEncoder (@opticspace/encoder).
 *
 *   import { getDevice, EnergyIndex, encoder } from 'opticspace';
 *
 * The runtime and the index are re-exported flat. The encoder comes as the `encoder`
 * namespace because its TypeScript reference ops (add, gelu, layerNorm, ...) share names with
 * the runtime's kernels. Every package is side-effect free, so bundlers keep only what an app
 * uses.
 */
export * from '@opticspace/gpu';
export * from '@opticspace/index';
export * as encoder from '@opticspace/encoder';
