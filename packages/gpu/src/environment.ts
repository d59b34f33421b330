/** Where we run: a browser with navigator.gpu, or Node with Dawn from the `webgpu` package. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';
}

/**
 * Loads Dawn's WebGPU for Node. `#dawn` is a subpath import (package.json `imports`): under the
 * `node` condition it is platform/dawn.node.ts, elsewhere a stub, so browser bundles never see
 * `webgpu` nor a Node built-in. The import is dynamic so that `webgpu`, an optional peer, is only
 * needed once a Node program asks for a device.
 */
export async function createNodeGpu(flags: string[] = []): Promise<GPU> {
  const { createDawnGpu } = await import('#dawn');
  return createDawnGpu(flags);
}
