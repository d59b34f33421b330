/**
 * The WebGPU backend. Item vectors and their signatures stay resident on the GPU from the
 * signature pass through every search; a search uploads only the queries (and L q, their
 * statistics) and reads back only the top-k indices and keys.
 * Scoring is one GEMM ([Q; L Q] @ X^T), one combine kernel per mode and a GPU top-k, all in one
 * submit per batch of queries.
 */
import { CommandBatch, TOPK_MAX_K, Tensor, topkPlan, decodeTopkKeys, type GpuContext } from '@opticspace/gpu';
import type { IndexBackend, ItemSignatureValues, ResidentItems } from '../backend';
import type { FeatureGraph } from '../feature-graph';
import type { Matrix } from '../matrix';
import type { PreparedQueries, ScoreMode, ScoreWeights, TopK } from '../search';
import { sliceQueries } from '../cpu/cpu-backend';
import { gpuAssigner } from './kmeans-assign';
import { rowEnergies, rowEnergiesOnTensor, uploadEdges } from './row-energies';
import { diffuseOnGpu, profileCosinesOnGpu, projectOnGpu } from './dense';
import { packStats, queryProductsProgram, scoreProgram, stackQueries } from './score';
import { selectTopProgram } from './select-top';

export class GpuBackend implements IndexBackend {
  readonly kind = 'webgpu' as const;
  readonly adapter: string;

  constructor(readonly ctx: GpuContext) {
    this.adapter = ctx.adapterName;
  }

  project(items: Matrix, projection: Matrix): Promise<Matrix> {
    return projectOnGpu(this.ctx, items, projection);
  }

  assigner = (points: Matrix) => gpuAssigner(this.ctx, points);

  profileCosines = (centroids: Matrix) => profileCosinesOnGpu(this.ctx, centroids);

  diffuse(centroids: Matrix, graph: FeatureGraph, eta: number, steps: number): Promise<Matrix> {
    return diffuseOnGpu(this.ctx, centroids, graph, eta, steps);
  }

  rowEnergies(rows: Matrix, graph: FeatureGraph) {
    return rowEnergies(this.ctx, rows, graph);
  }

  async residentItems(vectors: Matrix): Promise<ResidentItems> {
    return new GpuItems(this.ctx, vectors);
  }
}

class GpuItems implements ResidentItems {
  private readonly items: Tensor;
  private stats: Tensor | null = null;

  constructor(
    private readonly ctx: GpuContext,
    vectors: Matrix,
  ) {
    this.items = Tensor.from(ctx, vectors.data, [vectors.rows, vectors.columns]);
  }

  async energies(graph: FeatureGraph) {
    const edges = uploadEdges(this.ctx, graph);
    try {
      return await rowEnergiesOnTensor(this.items, edges);
    } finally {
      edges.dispose();
    }
  }

  setSignatures(values: ItemSignatureValues): void {
    this.stats?.dispose();
    const packed = packStats(values.lambda, values.dispersion, values.quadratic, values.norm);
    this.stats = Tensor.from(this.ctx, packed, [values.lambda.length, 4]);
  }

  async scoreTopK(queries: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number): Promise<TopK> {
    if (!this.stats) throw new Error('scoreTopK before setSignatures');
    const [n] = this.items.shape;
    const count = queries.vectors.rows;
    const indices = new Uint32Array(count * k);
    const keys = new Float32Array(count * k);
    // Bound the [batch, N] key matrix by the binding limit (and 64 Mi keys).
    const maxKeys = Math.min(this.ctx.limits.maxStorageBufferBindingSize / 4, 64 * 2 ** 20);
    const batch = Math.max(1, Math.min(count, Math.floor(maxKeys / n), this.ctx.limits.maxComputeWorkgroupsPerDimension));
    for (let start = 0; start < count; start += batch) {
      const part = sliceQueries(queries, start, Math.min(count, start + batch));
      const top = await this.scoreBatch(part, mode, weights, k);
      indices.set(top.indices, start * k);
      keys.set(top.keys, start * k);
    }
    return { queries: count, k, indices, keys };
  }

  /** GEMM + combine + top-k for one batch; only [rows, k] indices and keys are read back. */
  private async scoreBatch(part: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number) {
    const rows = part.vectors.rows;
    const [n, f] = this.items.shape;
    const stacked = Tensor.from(this.ctx, stackQueries(part), [2 * rows, f]);
    const queryStats = Tensor.from(this.ctx, packStats(part.lambda, part.dispersion, part.quadratic, part.norm), [rows, 4]);
    const products = Tensor.empty(this.ctx, [2 * rows, n]);
    const scores = Tensor.empty(this.ctx, [rows, n]);
    const owned: Array<{ dispose(): void }> = [stacked, queryStats, products, scores];
    try {
      const batch = new CommandBatch(this.ctx)
        .dispatch(queryProductsProgram(this.ctx, stacked, this.items, products))
        .dispatch(scoreProgram(products, this.stats!, queryStats, scores, mode, weights));
      if (k <= TOPK_MAX_K) {
        // The shared top-k (multi-pass, parallel over chunks of each row).
        const plan = topkPlan(this.ctx, scores, k, { largest: true });
        owned.push(plan);
        for (const program of plan.programs) batch.dispatch(program);
        await batch.submit();
        const orderKeys = (await plan.keys.read()) as Uint32Array;
        return { indices: Uint32Array.from((await plan.indices.read()) as Uint32Array), keys: decodeTopkKeys(orderKeys, true) };
      }
      // Larger k: one workgroup per query, k selection rounds (select-top.wgsl).
      const topIndices = Tensor.empty(this.ctx, [rows, k], 'u32');
      const topKeys = Tensor.empty(this.ctx, [rows, k]);
      owned.push(topIndices, topKeys);
      await batch.dispatch(selectTopProgram(scores, k, topIndices, topKeys)).submit();
      return { indices: Uint32Array.from((await topIndices.read()) as Uint32Array), keys: Float32Array.from((await topKeys.read()) as Float32Array) };
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  dispose(): void {
    this.items.dispose();
    this.stats?.dispose();
    this.stats = null;
  }
}
