/** A compute pipeline is compiled once per (source, entry point, override constants). */
export interface PipelineKey {
  /** Kernel name, for labels and error messages. */
  name: string;
  source: string;
  entryPoint?: string;
  constants?: Record<string, number>;
}

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  static keyOf(key: PipelineKey): string {
    const constants = key.constants
      ? Object.entries(key.constants)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : '';
    return `${key.name}|${key.entryPoint ?? 'main'}|${constants}|${hashString(key.source)}`;
  }

  get(key: PipelineKey): GPUComputePipeline {
    const cacheKey = PipelineCache.keyOf(key);
    let pipeline = this.pipelines.get(cacheKey);
    if (pipeline) return pipeline;
    let module = this.modules.get(key.source);
    if (!module) {
      module = this.device.createShaderModule({ code: key.source, label: key.name });
      this.modules.set(key.source, module);
    }
    pipeline = this.device.createComputePipeline({
      label: key.name,
      layout: 'auto',
      compute: { module, entryPoint: key.entryPoint ?? 'main', constants: key.constants },
    });
    this.pipelines.set(cacheKey, pipeline);
    this.compiled++;
    return pipeline;
  }

  clear(): void {
    this.modules.clear();
    this.pipelines.clear();
  }
}

/** FNV-1a, enough to key shader sources. */
export function hashString(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}
