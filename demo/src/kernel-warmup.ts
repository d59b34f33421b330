/**
 * The first search on a new WebGPU device compiles the search kernels (BM25's sparse product,
 * the scoring pass, top-k), which takes the GPU process about 0.7 s on Chromium's SwiftShader.
 * An index of a few thousand documents builds on the CPU (its stages are small enough to run on
 * the host), so the worker compiles those kernels meanwhile: it searches a throwaway 128-item
 * index with the default ranking as soon as it has a device. Pipelines are cached per device,
 * so the first real search finds them compiled. Only the default's: each other method's first
 * search compiles what it adds (energy: one kernel, ~40 ms there), and a kernel compiling now
 * would hold up the first search. (@opticspace/index has no call that compiles its kernels
 * ahead of a search.)
 */
import { EnergyIndex, type SearchMethod } from '@opticspace/index';

const ITEMS = 128;

export async function warmSearchKernels(dimension: number, method: SearchMethod): Promise<void> {
  const vectors = Float32Array.from({ length: ITEMS * dimension }, (_, i) => Math.sin(i * 12.9898));
  const documents = Array.from({ length: ITEMS }, (_, i) => `term${i % 7} word${i % 13}`);
  const index = await EnergyIndex.build(vectors, { dimension, documents, backend: 'webgpu' });
  try {
    const query = { text: 'term1 word2', vector: vectors.subarray(0, dimension) };
    await index.search(query, { k: 10, method });
  } finally {
    index.dispose();
  }
}
