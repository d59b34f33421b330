/**
 * Bind groups keyed by pipeline and the exact buffers (and uniform range) they bind, so a
 * launch that repeats its inputs (a search loop, a forward pass over pooled buffers) reuses one
 * instead of creating it again. Least recently used entries are dropped past `capacity`.
 */
export class BindGroupCache {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly groups = new Map<string, GPUBindGroup>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly capacity = 1024,
  ) {}

  /** The group for `buffers` at bindings 0..n-1 plus, when given, the uniform range at binding n. */
  get(pipeline: GPUComputePipeline, buffers: GPUBuffer[], uniform: { buffer: GPUBuffer; offset: number; size: number } | null): GPUBindGroup {
    const parts = [this.idOf(pipeline), ...buffers.map((buffer) => this.idOf(buffer))];
    if (uniform) parts.push(this.idOf(uniform.buffer), uniform.offset, uniform.size);
    const key = parts.join(',');
    const cached = this.groups.get(key);
    if (cached) {
      // Re-insert: Map order is the recency order.
      this.groups.delete(key);
      this.groups.set(key, cached);
      this.hits++;
      return cached;
    }
    this.misses++;
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    if (uniform) entries.push({ binding: buffers.length, resource: uniform });
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    this.groups.set(key, group);
    if (this.groups.size > this.capacity) this.groups.delete(this.groups.keys().next().value!);
    return group;
  }

  clear(): void {
    this.groups.clear();
  }

  private idOf(object: object): number {
    let id = this.ids.get(object);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(object, id);
    }
    return id;
  }
}
