/** Dawn's WebGPU for Node (`#dawn` under the `node` condition: see environment.ts). */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

export async function createDawnGpu(flags: string[] = []): Promise<GPU> {
  if (!process.env.XDG_RUNTIME_DIR) {
    // Mesa's Vulkan loader warns (and on some setups fails) without a runtime dir.
    const dir = `${tmpdir()}/opticspace-xdg-${process.getuid?.() ?? 0}`;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
  // Loaded once the runtime dir is set, and only when a device is asked for: a one-file bundle
  // of a Node program (bench bundle) still starts where `webgpu` is missing.
  const { create, globals } = await import('webgpu');
  // Dawn's enums/classes (GPUBufferUsage, GPUMapMode, ...) must be global for WebGPU code.
  for (const [name, value] of Object.entries(globals as Record<string, unknown>)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  return create(flags);
}
