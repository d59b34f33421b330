/**
 * The WebGPU backend. Item vectors and their signatures stay resident on the GPU (items.ts) from
 * the signature pass through every search. Every per-item buffer of a build or a search is kept
 * in row blocks that fit the device's binding and buffer limits (blocks.ts).
 */
import type { GpuContext } from '@opticspace/gpu';
import type { IndexBackend, ResidentItems } from '../backend';
import type { FeatureGraph } from '../feature-graph';
import type { RunKMeans } from '../kmeans';
import type { Matrix } from '../matrix';
import { blocksFor, bufferLimit, sliceRows } from './blocks';
import { diffuseOnGpu, profileNeighboursOnGpu, projectOnGpu } from './dense';
import { GpuItems } from './items';
import { gpuKMeans } from './kmeans';
import { rowEnergies } from './row-energies';

export interface GpuBackendOptions {
  /**
   * Largest buffer the backend uses (default and upper bound: the device's
   * maxStorageBufferBindingSize and maxBufferSize). Per-item buffers above it are kept in row blocks.
   */
  maxBufferBytes?: number;
}

export class GpuBackend implements IndexBackend {
  readonly kind = 'webgpu' as const;
  readonly adapter: string;
  readonly maxBufferBytes: number;
  readonly kmeans: RunKMeans;

  constructor(
    readonly ctx: GpuContext,
    options: GpuBackendOptions = {},
  ) {
    this.adapter = ctx.adapterName;
    this.maxBufferBytes = bufferLimit(ctx, options.maxBufferBytes);
    this.kmeans = gpuKMeans(ctx, this.maxBufferBytes);
  }

  async project(items: Matrix, projection: Matrix): Promise<Matrix> {
    const out = new Float32Array(items.rows * projection.columns);
    for (const block of blocksFor(items.rows, this.maxBufferBytes, 4 * Math.max(items.columns, projection.columns))) {
      out.set((await projectOnGpu(this.ctx, sliceRows(items, block), projection)).data, block.start * projection.columns);
    }
    return { data: out, rows: items.rows, columns: projection.columns };
  }

  profileNeighbours = (centroids: Matrix, topk: number) => profileNeighboursOnGpu(this.ctx, centroids, topk);

  diffuse(centroids: Matrix, graph: FeatureGraph, eta: number, steps: number): Promise<Matrix> {
    return diffuseOnGpu(this.ctx, centroids, graph, eta, steps);
  }

  rowEnergies(rows: Matrix, graph: FeatureGraph) {
    return rowEnergies(this.ctx, rows, graph);
  }

  async residentItems(vectors: Matrix): Promise<ResidentItems> {
    return new GpuItems(this.ctx, vectors, this.maxBufferBytes);
  }
}
