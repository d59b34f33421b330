/** A compute pipeline is compiled once per (source, entry point, override constants). */
export interface PipelineKey {
  /** Kernel name, for labels and error messages. */
  name: string;
  source: string;
  entryPoint?: string;
  constants?: Record<string, number>;
}

/**
 * Pipelines by shader source, then by entry point and constants. Sources are looked up as Map
 * keys (no hashing of the text per launch): kernels pass memoised strings (shaderSource).
 */
export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, Map<string, GPUComputePipeline>>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Entry point and constants, in a canonical order: what distinguishes pipelines of one source. */
  static variantOf(key: Pick<PipelineKey, 'entryPoint' | 'constants'>): string {
    const constants = key.constants
      ? Object.keys(key.constants)
          .sort()
          .map((name) => `${name}=${key.constants![name]}`)
          .join(',')
      : '';
    return `${key.entryPoint ?? 'main'}|${constants}`;
  }

  get(key: PipelineKey): GPUComputePipeline {
    let variants = this.pipelines.get(key.source);
    if (!variants) this.pipelines.set(key.source, (variants = new Map()));
    const variant = PipelineCache.variantOf(key);
    let pipeline = variants.get(variant);
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
    variants.set(variant, pipeline);
    this.compiled++;
    return pipeline;
  }

  clear(): void {
    this.modules.clear();
    this.pipelines.clear();
  }
}
