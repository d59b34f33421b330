/**
 * The WebGPU backend. Item vectors and their signatures stay resident on the GPU from the
 * signature pass through every search; a search uploads only the queries (and L q, their
 * statistics) and reads back only the top-k indices and keys.
 * Scoring is one product [Q; L Q] @ X^T (score.ts queryProductsProgram), one combine kernel per
 * mode and a GPU top-k, all in one submit per batch of queries with one readback (into mappable
 * buffers kept across calls). Corpora larger than one storage buffer are kept in row blocks.
 * Lexical (BM25) scores are csrMatmul of the resident [N, terms] BM25 matrix with the queries'
 * term columns, transposed to [queries, N] for the same top-k and readback.
 */
import { CommandBatch, CsrMatrix, TOPK_MAX_K, Tensor, csrMatmul, topkPlan, decodeTopkKeys, type GpuContext } from '@opticspace/gpu';
import type { IndexBackend, ItemSignatureValues, ResidentItems } from '../backend';
import type { FeatureGraph } from '../feature-graph';
import type { Matrix } from '../matrix';
import { referenceLloyd } from '../kmeans';
import type { RowEnergies } from '../row-energies';
import { topKInChunks, type PreparedQueries, type ScoreWeights, type TopK } from '../search';
import { termColumns, type SparseMatrix } from '../lexical/bm25';
import type { SparseRow } from '../lexical/vocabulary';
import type { ScoreMode } from '../methods';
import { sliceQueries } from '../cpu/cpu-backend';
import { gpuLloyd } from './kmeans-assign';
import { rowEnergies, rowEnergiesOnTensor, uploadEdges } from './row-energies';
import { diffuseOnGpu, profileNeighboursOnGpu, projectOnGpu } from './dense';
import { packStats, productRows, queryProductsProgram, scoreProgram, stackQueries, usesLaplacianProducts } from './score';
import { selectTopProgram } from './select-top';
import { transposeProgram } from './transpose';

export interface GpuBackendOptions {
  /**
   * Largest buffer the backend binds (default: the device's maxStorageBufferBindingSize).
   * Item matrices above it are stored in row blocks, each scored by its own product.
   */
  maxBufferBytes?: number;
}

/** Row ranges [start, end) of at most `rowsPerBlock` rows. */
export function rowBlocks(rows: number, rowsPerBlock: number): Array<[number, number]> {
  const blocks: Array<[number, number]> = [];
  for (let start = 0; start < rows; start += rowsPerBlock) blocks.push([start, Math.min(rows, start + rowsPerBlock)]);
  return blocks.length ? blocks : [[0, 0]];
}

function sliceRows(matrix: Matrix, start: number, end: number): Matrix {
  return { data: matrix.data.subarray(start * matrix.columns, end * matrix.columns), rows: end - start, columns: matrix.columns };
}

export class GpuBackend implements IndexBackend {
  readonly kind = 'webgpu' as const;
  readonly adapter: string;
  readonly maxBufferBytes: number;

  constructor(
    readonly ctx: GpuContext,
    options: GpuBackendOptions = {},
  ) {
    this.adapter = ctx.adapterName;
    this.maxBufferBytes = Math.min(options.maxBufferBytes ?? Infinity, ctx.limits.maxStorageBufferBindingSize);
  }

  /** Rows of `columns` f32 values that fit one buffer. */
  rowsPerBuffer(columns: number): number {
    return Math.max(1, Math.floor(this.maxBufferBytes / (4 * Math.max(1, columns))));
  }

  async project(items: Matrix, projection: Matrix): Promise<Matrix> {
    const perBlock = Math.min(this.rowsPerBuffer(items.columns), this.rowsPerBuffer(projection.columns));
    const out = new Float32Array(items.rows * projection.columns);
    for (const [start, end] of rowBlocks(items.rows, perBlock)) {
      out.set((await projectOnGpu(this.ctx, sliceRows(items, start, end), projection)).data, start * projection.columns);
    }
    return { data: out, rows: items.rows, columns: projection.columns };
  }

  /** Lloyd on the GPU with the sample resident; a sample too large for one buffer uses the TS engine. */
  lloyd = (points: Matrix, initial: Matrix) =>
    points.rows <= this.rowsPerBuffer(Math.max(points.columns, initial.rows)) ? gpuLloyd(this.ctx, points, initial) : referenceLloyd(points, initial);

  profileNeighbours = (centroids: Matrix, topk: number) => profileNeighboursOnGpu(this.ctx, centroids, topk);

  diffuse(centroids: Matrix, graph: FeatureGraph, eta: number, steps: number): Promise<Matrix> {
    return diffuseOnGpu(this.ctx, centroids, graph, eta, steps);
  }

  rowEnergies(rows: Matrix, graph: FeatureGraph) {
    return rowEnergies(this.ctx, rows, graph);
  }

  async residentItems(vectors: Matrix): Promise<ResidentItems> {
    return new GpuItems(this.ctx, vectors, this.rowsPerBuffer(vectors.columns), this.maxBufferBytes);
  }
}

/**
 * Up to this k, select-top.wgsl (k selection rounds) beats the shared sorting top-k on llvmpipe
 * (k = 10: 3-5x at N = 10K-100K; even at k = 32, slower from k = 64).
 */
export const SELECT_ROUNDS_MAX_K = 32;

interface ItemBlock {
  start: number;
  rows: number;
  vectors: Tensor;
}

class GpuItems implements ResidentItems {
  private readonly blocks: ItemBlock[];
  private readonly count: number;
  private readonly features: number;
  private stats: Tensor | null = null;
  private lexical: CsrMatrix | null = null;
  private readback: { indices: Tensor; keys: Tensor } | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: GpuContext,
    vectors: Matrix,
    rowsPerBlock: number,
    private readonly maxBufferBytes: number,
  ) {
    this.count = vectors.rows;
    this.features = vectors.columns;
    this.blocks = rowBlocks(vectors.rows, rowsPerBlock).map(([start, end]) => ({
      start,
      rows: end - start,
      vectors: Tensor.from(ctx, sliceRows(vectors, start, end).data, [end - start, vectors.columns]),
    }));
  }

  async energies(graph: FeatureGraph) {
    const edges = uploadEdges(this.ctx, graph);
    const parts: RowEnergies[] = [];
    try {
      for (const block of this.blocks) parts.push(await rowEnergiesOnTensor(block.vectors, edges));
    } finally {
      edges.dispose();
    }
    const concat = (pick: (e: RowEnergies) => Float32Array) => {
      const out = new Float32Array(this.count);
      parts.forEach((part, b) => out.set(pick(part), this.blocks[b].start));
      return out;
    };
    return {
      rows: this.count,
      squaredNorm: concat((e) => e.squaredNorm),
      quadratic: concat((e) => e.quadratic),
      energySquareSum: concat((e) => e.energySquareSum),
    };
  }

  setSignatures(values: ItemSignatureValues): void {
    this.stats?.dispose();
    const packed = packStats(values.lambda, values.dispersion, values.quadratic, values.norm);
    this.stats = Tensor.from(this.ctx, packed, [values.lambda.length, 4]);
  }

  async scoreTopK(queries: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number): Promise<TopK> {
    if (!this.stats) throw new Error('scoreTopK before setSignatures');
    // Bound the [batch, N] keys and each block's [2 batch, rows] products by the buffer limit.
    const largestBlock = Math.max(...this.blocks.map((b) => b.rows));
    const batch = this.batchSize(queries.vectors.rows, this.count, 2 * largestBlock);
    return topKInChunks(queries.vectors.rows, k, batch, (start, end) => this.serial(() => this.scoreBatch(sliceQueries(queries, start, end), mode, weights, k)));
  }

  setLexical(matrix: SparseMatrix): void {
    this.lexical?.dispose();
    // A corpus without a single term has no matrix to keep (search-steps.ts scores it as all zeros).
    this.lexical = matrix.columns > 0 ? CsrMatrix.fromArrays(this.ctx, matrix.rows, matrix.columns, matrix.rowPtr, matrix.columnIndex, matrix.values) : null;
  }

  async lexicalTopK(queries: readonly SparseRow[], k: number): Promise<TopK> {
    const lexical = this.lexical;
    if (!lexical) throw new Error('lexicalTopK before setLexical');
    // Bound the [terms, batch] query columns and the [N, batch] products by the buffer limit.
    const batch = this.batchSize(queries.length, this.count, lexical.cols);
    return topKInChunks(queries.length, k, batch, (start, end) => this.serial(() => this.lexicalBatch(lexical, queries.slice(start, end), k)));
  }

  /** Queries per batch so that every [batch, perQuery] buffer fits the buffer limit (and the top-k's one workgroup per query). */
  private batchSize(count: number, ...perQuery: number[]): number {
    const maxFloats = Math.min(this.maxBufferBytes / 4, 64 * 2 ** 20);
    return Math.max(1, Math.min(count, ...perQuery.map((n) => Math.floor(maxFloats / n)), this.ctx.limits.maxComputeWorkgroupsPerDimension));
  }

  /** One batch at a time: the readback buffers are shared by every call. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.pending.then(work);
    this.pending = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Per block: product + combine into one keys matrix; then top-k and one readback. */
  private async scoreBatch(part: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number) {
    const rows = part.vectors.rows;
    // Energy needs [Q; L Q] @ X^T; cosine and lambdaAware only Q @ X^T (half the work).
    const stacked = Tensor.from(this.ctx, stackQueries(part, usesLaplacianProducts(mode)), [productRows(mode, rows), this.features]);
    const queryStats = Tensor.from(this.ctx, packStats(part.lambda, part.dispersion, part.quadratic, part.norm), [rows, 4]);
    const scores = Tensor.empty(this.ctx, [rows, this.count]);
    const owned: Array<{ dispose(): void }> = [stacked, queryStats, scores];
    try {
      const batch = new CommandBatch(this.ctx);
      for (const block of this.blocks) {
        const products = Tensor.empty(this.ctx, [productRows(mode, rows), block.rows]);
        owned.push(products);
        batch
          .dispatch(queryProductsProgram(this.ctx, stacked, block.vectors, products))
          .dispatch(scoreProgram(products, this.stats!, queryStats, scores, mode, weights, block.start));
      }
      return await this.selectTop(batch, scores, rows, k, owned);
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  /** BM25: products [N, b] = S Q (csrMatmul), transposed to keys [b, N], then top-k and one readback. */
  private async lexicalBatch(lexical: CsrMatrix, part: readonly SparseRow[], k: number) {
    const rows = part.length;
    const columns = Tensor.from(this.ctx, termColumns(part, lexical.cols), [lexical.cols, rows]);
    const owned: Array<{ dispose(): void }> = [columns];
    try {
      const products = await csrMatmul(this.ctx, lexical, columns);
      owned.push(products);
      const batch = new CommandBatch(this.ctx);
      let scores: Tensor;
      if (rows === 1) {
        scores = products.reshape([1, this.count]); // [N, 1] is already [1, N]
      } else {
        scores = Tensor.empty(this.ctx, [rows, this.count]);
        owned.push(scores);
        batch.dispatch(transposeProgram(products, scores, this.count, rows));
      }
      return await this.selectTop(batch, scores, rows, k, owned);
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  /**
   * Appends the top-k of keys [rows, N] and the copies of the [rows, k] results into the mappable
   * readback buffers to the batch, submits it and reads the results back.
   */
  private async selectTop(batch: CommandBatch, scores: Tensor, rows: number, k: number, owned: Array<{ dispose(): void }>) {
    let topIndices: Tensor;
    let topKeys: Tensor;
    const sortable = k > SELECT_ROUNDS_MAX_K && k <= TOPK_MAX_K;
    if (sortable) {
      // The shared top-k (multi-pass, parallel over chunks of each row).
      const plan = topkPlan(this.ctx, scores, k, { largest: true });
      owned.push(plan);
      for (const program of plan.programs) batch.dispatch(program);
      [topIndices, topKeys] = [plan.indices, plan.keys];
    } else {
      // Small or very large k: one workgroup per query, k selection rounds (select-top.wgsl).
      topIndices = Tensor.empty(this.ctx, [rows, k], 'u32');
      topKeys = Tensor.empty(this.ctx, [rows, k]);
      owned.push(topIndices, topKeys);
      batch.dispatch(selectTopProgram(scores, k, topIndices, topKeys));
    }
    const readback = this.readbackBuffers(rows * k);
    await batch.copy(topIndices, readback.indices).copy(topKeys, readback.keys).submit();
    const [indexBytes, keyBytes] = await Promise.all([mapCopy(readback.indices.buffer, rows * k * 4), mapCopy(readback.keys.buffer, rows * k * 4)]);
    const indices = new Uint32Array(indexBytes);
    return { indices, keys: sortable ? decodeTopkKeys(new Uint32Array(keyBytes), true) : new Float32Array(keyBytes) };
  }

  /** Mappable copies of the [rows, k] results, kept across calls and grown when a batch needs more. */
  private readbackBuffers(values: number): { indices: Tensor; keys: Tensor } {
    if (!this.readback || this.readback.indices.size < values) {
      this.destroyReadback();
      const size = Math.max(values, 64);
      const create = () =>
        new Tensor(this.ctx, [size], 'u32', this.ctx.device.createBuffer({ size: size * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
      this.readback = { indices: create(), keys: create() };
    }
    return this.readback;
  }

  private destroyReadback(): void {
    // Not pool buffers: destroyed here, never disposed into the pool.
    this.readback?.indices.buffer.destroy();
    this.readback?.keys.buffer.destroy();
    this.readback = null;
  }

  dispose(): void {
    for (const block of this.blocks) block.vectors.dispose();
    this.stats?.dispose();
    this.stats = null;
    this.lexical?.dispose();
    this.lexical = null;
    this.destroyReadback();
  }
}

/** The first `byteLength` bytes of a MAP_READ buffer (one map round trip), left unmapped for reuse. */
async function mapCopy(buffer: GPUBuffer, byteLength: number): Promise<ArrayBuffer> {
  await buffer.mapAsync(GPUMapMode.READ, 0, byteLength);
  try {
    return buffer.getMappedRange(0, byteLength).slice(0);
  } finally {
    buffer.unmap();
  }
}
