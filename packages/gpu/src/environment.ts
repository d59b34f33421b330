/** Where we run: a browser with navigator.gpu, or Node with Dawn from the `webgpu` package. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';
}

/**
 * Loads Dawn's WebGPU for Node. The module name is held in a variable so browser bundlers
 * never try to resolve the native `webgpu` package.
 */
export async function createNodeGpu(flags: string[] = []): Promise<GPU> {
  if (!process.env.XDG_RUNTIME_DIR) {
    // Mesa's Vulkan loader warns (and on some setups fails) without a runtime dir.
    const { mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = `${tmpdir()}/opticspace-xdg-${process.getuid?.() ?? 0}`;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
  const moduleName = 'webgpu';
  const dawn = (await import(/* @vite-ignore */ moduleName)) as {
    create: (flags: string[]) => GPU;
    globals: Record<string, unknown>;
  };
  // Dawn's enums/classes (GPUBufferUsage, GPUMapMode, ...) must be global for WebGPU code.
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  return dawn.create(flags);
}
