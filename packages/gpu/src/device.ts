import { DeviceLostError, GpuExecutionError, GpuUnavailableError, UnsupportedFeatureError } from './errors';
import { createNodeGpu, isNode } from './environment';
import { BufferPool } from './buffer-pool';
import { PipelineCache } from './pipeline-cache';
import { BindGroupCache } from './bind-group-cache';
import type { KernelTiming } from './batch';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** 'browser' (navigator.gpu) or 'dawn-node' (the `webgpu` npm package). */
  runtime: 'browser' | 'dawn-node';
}

export interface GpuFeatures {
  shaderF16: boolean;
  subgroups: boolean;
  timestampQuery: boolean;
}

export interface GetDeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** Fail with UnsupportedFeatureError if shader-f16 is missing (default: use it when present). */
  requireF16?: boolean;
  /** Never enable shader-f16 even when present (forces the f32 kernels). */
  disableF16?: boolean;
  /** Enable timestamp queries for per-kernel GPU timing when the adapter has them. */
  profiling?: boolean;
  /** Extra Dawn flags in Node, e.g. ['backend=vulkan']. */
  dawnFlags?: string[];
  /**
   * Buffer limits below the adapter's, applied by this library (WebGPU never grants less than
   * its defaults): tests run the row-blocked paths of large corpora on small data this way.
   */
  capLimits?: Partial<Record<CappedLimit, number>>;
}

/** The limits `capLimits` may lower. */
export type CappedLimit = 'maxStorageBufferBindingSize' | 'maxBufferSize';

/**
 * A WebGPU device plus what opticspace keeps per device: pipeline cache, buffer pool,
 * the adapter's description and the features in use. Call dispose() when done; in Node this
 * also drops Dawn's instance so the process can exit.
 */
export class GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
  readonly features: GpuFeatures;
  readonly limits: GPUSupportedLimits;
  readonly pipelines: PipelineCache;
  readonly buffers: BufferPool;
  readonly bindGroups: BindGroupCache;
  readonly profilingEnabled: boolean;
  /** With profiling: receives the per-kernel GPU times of every submitted batch (benchmarks sum them). */
  onKernelTimings: ((timings: KernelTiming[]) => void) | null = null;
  private lostReason: string | null = null;
  /** Depth of nested checked() calls: only the outermost pushes and pops error scopes. */
  private checkedDepth = 0;
  /** Errors raised outside any error scope (work of overlapping operations): the latest few, numbered. */
  private readonly uncaptured: Array<{ sequence: number; error: GPUError }> = [];
  private uncapturedCount = 0;
  private gpu: GPU | null;

  constructor(gpu: GPU, device: GPUDevice, adapter: AdapterDescription, profiling: boolean, capLimits: GetDeviceOptions['capLimits'] = {}) {
    this.gpu = gpu;
    this.device = device;
    this.adapter = adapter;
    this.limits = withCaps(device.limits, capLimits);
    this.features = {
      shaderF16: device.features.has('shader-f16'),
      subgroups: device.features.has('subgroups'),
      timestampQuery: device.features.has('timestamp-query'),
    };
    this.profilingEnabled = profiling && this.features.timestampQuery;
    this.pipelines = new PipelineCache(device);
    this.buffers = new BufferPool(device, this.limits);
    this.bindGroups = new BindGroupCache(device);
    device.addEventListener('uncapturederror', (event) => {
      this.uncaptured.push({ sequence: this.uncapturedCount++, error: (event as GPUUncapturedErrorEvent).error });
      if (this.uncaptured.length > 64) this.uncaptured.shift();
    });
    device.lost.then((info) => {
      this.lostReason = info.message || info.reason || 'unknown reason';
    });
  }

  /** A one-line adapter name for logs, e.g. "llvmpipe (LLVM 19.1.7, 256 bits) [dawn-node]". */
  get adapterName(): string {
    const a = this.adapter;
    const name = a.description || a.device || [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
    return `${name} [${a.runtime}]`;
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** Throws DeviceLostError if the device is gone; kernels call this before encoding work. */
  assertAlive(): void {
    if (this.lostReason !== null) throw new DeviceLostError(this.lostReason);
  }

  /**
   * Runs `work` inside validation and out-of-memory error scopes and raises typed errors.
   * Public operations (a search, a forward pass) wrap all their submits in one call: nested
   * calls run inside the outer scopes, so scopes cost one round trip per operation, not per
   * submit. Errors of operations that overlap in time are reported by the outermost one.
   */
  async checked<T>(work: () => T | Promise<T>): Promise<T> {
    this.assertAlive();
    const seen = this.uncapturedCount;
    const outermost = this.checkedDepth === 0;
    this.checkedDepth++;
    if (outermost) {
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
    }
    let result: T;
    try {
      result = await work();
    } finally {
      this.checkedDepth--;
      const validation = outermost ? await this.device.popErrorScope() : null;
      const oom = outermost ? await this.device.popErrorScope() : null;
      if (validation) throw new GpuExecutionError('validation', validation.message);
      if (oom) throw new GpuExecutionError('out-of-memory', oom.message);
      // Work that ran while another operation held the scopes, after they were popped.
      const late = this.uncaptured.find((entry) => entry.sequence >= seen)?.error;
      if (late) throw new GpuExecutionError(late.constructor.name.includes('OutOfMemory') ? 'out-of-memory' : 'validation', late.message);
    }
    return result;
  }

  /** A uniform buffer of at least `byteLength` bytes from the pool; give it back with releaseUniformBuffer. */
  uniformBuffer(byteLength: number): GPUBuffer {
    return this.buffers.acquire(byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'uniforms');
  }

  releaseUniformBuffer(buffer: GPUBuffer): void {
    this.buffers.release(buffer);
  }

  dispose(): void {
    this.bindGroups.clear();
    this.buffers.clear();
    this.pipelines.clear();
    this.device.destroy();
    this.gpu = null;
    if (cachedContext === this) cachedContext = null;
  }
}

/** The device's limits, with the capped ones lowered (a view: the other limits read through). */
function withCaps(limits: GPUSupportedLimits, caps: GetDeviceOptions['capLimits']): GPUSupportedLimits {
  const entries = Object.entries(caps ?? {}).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return limits;
  const lowered = new Map(entries.map(([name, value]) => [name, Math.min(value!, limits[name as CappedLimit])]));
  return new Proxy(limits, { get: (target, name) => lowered.get(name as string) ?? Reflect.get(target, name, target) });
}

let cachedContext: GpuContext | null = null;
let pendingContext: Promise<GpuContext> | null = null;

async function findGpu(options: GetDeviceOptions): Promise<GPU> {
  if (typeof navigator !== 'undefined' && (navigator as Navigator).gpu) return (navigator as Navigator).gpu;
  if (isNode()) {
    try {
      return await createNodeGpu(options.dawnFlags);
    } catch (cause) {
      throw new GpuUnavailableError(
        "WebGPU for Node could not be loaded: install the 'webgpu' package (0.6.x) and a Vulkan driver " +
          '(on Debian: mesa-vulkan-drivers from bookworm-backports).',
        { cause },
      );
    }
  }
  throw new GpuUnavailableError('This browser has no WebGPU (navigator.gpu is missing). Use the CPU fallback.');
}

/** Creates a new device (not cached). Prefer getDevice() unless you need isolation. */
export async function createDevice(options: GetDeviceOptions = {}): Promise<GpuContext> {
  const gpu = await findGpu(options);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
  if (!adapter) {
    throw new GpuUnavailableError(
      'No WebGPU adapter was found. In Node, check that a Vulkan driver is installed (vulkaninfo); ' +
        'in Chromium, pass --enable-unsafe-webgpu.',
    );
  }
  const hasF16 = adapter.features.has('shader-f16');
  if (options.requireF16 && !hasF16) {
    throw new UnsupportedFeatureError('shader-f16', 'Run without requireF16 to use the f32 kernels.');
  }
  const wanted: GPUFeatureName[] = [];
  if (hasF16 && !options.disableF16) wanted.push('shader-f16');
  if (adapter.features.has('subgroups')) wanted.push('subgroups' as GPUFeatureName);
  if (options.profiling && adapter.features.has('timestamp-query')) wanted.push('timestamp-query');
  // Ask for the adapter's own limits: the defaults (128 MiB bindings) are too small for models.
  const limitNames = [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupSizeY',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBuffersPerShaderStage',
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const name of limitNames) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const device = await adapter.requestDevice({ requiredFeatures: wanted, requiredLimits });
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const description: AdapterDescription = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    runtime: typeof navigator !== 'undefined' && (navigator as Navigator).gpu === gpu ? 'browser' : 'dawn-node',
  };
  return new GpuContext(gpu, device, description, options.profiling ?? false, options.capLimits);
}

/**
 * The shared device for this process or page, created on first use. Options apply only to
 * the call that creates it; dispose() it (or call releaseDevice()) to let Node exit.
 */
export async function getDevice(options: GetDeviceOptions = {}): Promise<GpuContext> {
  if (cachedContext && !cachedContext.isLost) return cachedContext;
  if (!pendingContext) {
    pendingContext = createDevice(options).then(
      (ctx) => {
        cachedContext = ctx;
        pendingContext = null;
        return ctx;
      },
      (error) => {
        pendingContext = null;
        throw error;
      },
    );
  }
  return pendingContext;
}

/** Destroys the shared device, if any. */
export function releaseDevice(): void {
  cachedContext?.dispose();
  cachedContext = null;
}

/**
 * The float storage type for f16-capable kernels: 'auto' picks f16 where the device has
 * shader-f16 and falls back to f32 elsewhere (Chromium's SwiftShader); an explicit 'f16'
 * on a device without it is an UnsupportedFeatureError rather than a silent downgrade.
 */
export function resolveFloatStorage(ctx: GpuContext, requested: 'f32' | 'f16' | 'auto' = 'auto'): 'f32' | 'f16' {
  if (requested === 'f32') return 'f32';
  if (ctx.features.shaderF16) return 'f16';
  if (requested === 'f16') throw new UnsupportedFeatureError('shader-f16', "Use 'f32' or 'auto' storage on this adapter.");
  return 'f32';
}
