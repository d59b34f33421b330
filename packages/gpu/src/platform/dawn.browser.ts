/** `#dawn` outside Node (see environment.ts): never called there, since only Node loads Dawn. */
export async function createDawnGpu(_flags: string[] = []): Promise<GPU> {
  throw new Error("Dawn (the 'webgpu' package) is for Node only: in a browser, WebGPU is navigator.gpu");
}
