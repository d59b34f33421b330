/**
 * The WebGPU backend. Item vectors and their signatures stay resident on the GPU (items.ts) from
 * the signature pass through every search. Every per-item buffer of a build or a search is kept
 * in row blocks that fit the device's binding and buffer limits (blocks.ts). Stages small enough
 * to finish on the host faster than a GPU round trip run the TS reference (host.ts). Lexical
 * (BM25) scores are a CSR product of the resident [N, terms] BM25 matrix with the queries' term
 * columns (items.ts).
 */
import type { GpuContext } from '@opticspace/gpu';
import type { IndexBackend, ResidentItems } from '../backend';
import { diffuse } from '../diffusion';
import { profileNeighboursReference, type FeatureGraph, type FindProfileNeighbours } from '../feature-graph';
import { kmeansReference, type RunKMeans } from '../kmeans';
import type { Matrix } from '../matrix';
import { rowEnergiesReference, type RowEnergies } from '../row-energies';
import { blocksFor, bufferLimit, sliceRows } from './blocks';
import { diffuseOnGpu, profileNeighboursOnGpu, projectOnGpu } from './dense';
import { runsOnHost } from './host';
import { GpuItems } from './items';
import { gpuKMeans } from './kmeans';
import { rowEnergies } from './row-energies';

export interface GpuBackendOptions {
  /**
   * Largest buffer the backend uses (default and upper bound: the device's
   * maxStorageBufferBindingSize and maxBufferSize). Per-item buffers above it are kept in row blocks.
   */
  maxBufferBytes?: number;
  /** Stages of at most this many multiply-adds run on the host (default 2^25; 0: all on the GPU, as tests do). */
  hostMaxWork?: number;
}

export class GpuBackend implements IndexBackend {
  readonly kind = 'webgpu' as const;
  readonly adapter: string;
  readonly maxBufferBytes: number;
  private readonly hostMaxWork: number | undefined;
  /** Points x clusters x features per pass. */
  readonly kmeans: RunKMeans;
  /** Features^2 x centroids (the profile cosines). */
  readonly profileNeighbours: FindProfileNeighbours;
  /** Steps x Laplacian entries x centroids. */
  readonly diffuse: (centroids: Matrix, graph: FeatureGraph, eta: number, steps: number) => Promise<Matrix>;
  /** Rows x (features + edges). */
  readonly rowEnergies: (rows: Matrix, graph: FeatureGraph) => Promise<RowEnergies>;

  constructor(
    readonly ctx: GpuContext,
    options: GpuBackendOptions = {},
  ) {
    this.adapter = ctx.adapterName;
    this.maxBufferBytes = bufferLimit(ctx, options.maxBufferBytes);
    this.hostMaxWork = options.hostMaxWork;
    // A stage that runs `host` when runsOnHost(work(...args)), else `gpu`.
    const bySize =
      <A extends unknown[], R>(work: (...args: A) => number, host: (...args: A) => R, gpu: (...args: A) => R) =>
      (...args: A): R =>
        runsOnHost(work(...args), options.hostMaxWork) ? host(...args) : gpu(...args);
    this.kmeans = bySize(({ points, clusters }) => points.rows * clusters * points.columns, kmeansReference, gpuKMeans(ctx, this.maxBufferBytes));
    this.profileNeighbours = bySize(
      (centroids) => centroids.columns ** 2 * centroids.rows,
      profileNeighboursReference,
      (centroids, topk) => profileNeighboursOnGpu(ctx, centroids, topk),
    );
    this.diffuse = bySize(
      (centroids, graph, _eta, steps) => steps * graph.values.length * centroids.rows,
      async (centroids, graph, eta, steps) => diffuse(centroids, graph, eta, steps),
      (centroids, graph, eta, steps) => diffuseOnGpu(ctx, centroids, graph, eta, steps),
    );
    this.rowEnergies = bySize(
      (rows, graph) => rows.rows * (rows.columns + graph.edgeSource.length),
      rowEnergiesReference,
      (rows, graph) => rowEnergies(ctx, rows, graph),
    );
  }

  async project(items: Matrix, projection: Matrix): Promise<Matrix> {
    const out = new Float32Array(items.rows * projection.columns);
    for (const block of blocksFor(items.rows, this.maxBufferBytes, 4 * Math.max(items.columns, projection.columns))) {
      out.set((await projectOnGpu(this.ctx, sliceRows(items, block), projection)).data, block.start * projection.columns);
    }
    return { data: out, rows: items.rows, columns: projection.columns };
  }

  async residentItems(vectors: Matrix): Promise<ResidentItems> {
    return new GpuItems(this.ctx, vectors, this.maxBufferBytes, this.hostMaxWork);
  }
}
