/**
 * Items resident on the GPU for search: row blocks of vectors [rows, F'] with their statistics
 * (lambda, dispersion, xT L x, norm as vec4). A search batch is one submit and one readback:
 * per block, the product [Q; L Q] @ X^T (or Q @ X^T; products.ts) and the rank keys (score.ts),
 * then the top-k over the blocks (blocked-top-k.ts); the [B, k] indices and keys land in one
 * mappable buffer. The buffers of a batch shape (queries, product rows, k) are
 * kept across calls (a few shapes, least recently used dropped).
 */
import { CommandBatch, LimitExceededError, Tensor, decodeTopKKeys, type GpuContext } from '@opticspace/gpu';
import type { ItemSignatureValues, ResidentItems } from '../backend';
import type { FeatureGraph } from '../feature-graph';
import { rowEnergiesReference } from '../row-energies';
import type { Matrix } from '../matrix';
import { sliceQueries, type PreparedQueries, type ScoreMode, type ScoreWeights, type TopK } from '../search';
import { BlockedTopK } from './blocked-top-k';
import { blocksFor, uploadRows, type RowBlock } from './blocks';
import { runsOnHost } from './host';
import { productsProgram } from './products';
import { Readback } from './readback';
import { rowEnergiesOfBlocks, uploadEdges } from './row-energies';
import { packStats, productRows, scoreProgram, stackQueries, usesLaplacianProducts } from './score';

/** Batch shapes whose buffers are kept. */
const KEPT_WORKSPACES = 4;
/** Rank keys of one submit, over all blocks: bounds a batch's memory (256 MiB). */
const MAX_BATCH_KEYS = 64 * 2 ** 20;

interface ItemBlock extends RowBlock {
  vectors: Tensor;
  /** [rows, 4] (lambda, dispersion, quadratic, norm), after setSignatures. */
  stats: Tensor | null;
}

export class GpuItems implements ResidentItems {
  private readonly blocks: ItemBlock[];
  private readonly count: number;
  private readonly features: number;
  private readonly workspaces = new Map<string, SearchWorkspace>();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: GpuContext,
    private readonly vectors: Matrix,
    private readonly limit: number,
    private readonly hostMaxWork?: number,
  ) {
    this.count = vectors.rows;
    this.features = vectors.columns;
    this.blocks = [];
    try {
      // Per item: its vector, and its vec4 of statistics.
      for (const block of blocksFor(vectors.rows, limit, 4 * Math.max(vectors.columns, 4))) {
        this.blocks.push({ ...block, vectors: uploadRows(ctx, vectors, block), stats: null });
      }
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Bytes of the resident vectors and statistics. */
  get residentBytes(): number {
    return this.blocks.reduce((sum, block) => sum + block.vectors.byteLength + (block.stats?.byteLength ?? 0), 0);
  }

  /** The signature pass over all items: on the host when small (runsOnHost), else on the resident blocks. */
  async energies(graph: FeatureGraph) {
    if (runsOnHost(this.count * (this.features + graph.edgeSource.length), this.hostMaxWork)) return rowEnergiesReference(this.vectors, graph);
    const edges = uploadEdges(this.ctx, graph);
    try {
      return await rowEnergiesOfBlocks(this.ctx, this.blocks.map((block) => ({ start: block.start, values: block.vectors })), edges);
    } finally {
      edges.dispose();
    }
  }

  setSignatures(values: ItemSignatureValues): void {
    const packed = packStats(values.lambda, values.dispersion, values.quadratic, values.norm);
    for (const block of this.blocks) {
      block.stats?.dispose();
      block.stats = Tensor.from(this.ctx, packed.subarray(block.start * 4, (block.start + block.rows) * 4), [block.rows, 4]);
    }
  }

  async scoreTopK(queries: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number): Promise<TopK> {
    if (this.blocks.some((block) => !block.stats)) throw new Error('scoreTopK before setSignatures');
    const count = queries.vectors.rows;
    const indices = new Uint32Array(count * k);
    const keys = new Float32Array(count * k);
    const batch = this.batchSize(mode, k, count);
    for (let start = 0; start < count; start += batch) {
      const part = sliceQueries(queries, start, Math.min(count, start + batch));
      // One batch at a time: the workspaces are shared by every call.
      const run = this.pending.then(() => this.scoreBatch(part, mode, weights, k));
      this.pending = run.then(
        () => undefined,
        () => undefined,
      );
      const top = await run;
      indices.set(top.indices, start * k);
      keys.set(top.keys, start * k);
    }
    return { queries: count, k, indices, keys };
  }

  /** Queries per submit: every buffer of the batch within the limit, and MAX_BATCH_KEYS rank keys. */
  private batchSize(mode: ScoreMode, k: number, count: number): number {
    const floats = this.limit / 4;
    const largestBlock = Math.max(...this.blocks.map((block) => block.rows));
    const candidates = BlockedTopK.candidates(this.blocks.map((block) => block.rows), k);
    const rowsPerQuery = productRows(mode, 1);
    const batch = Math.min(
      count,
      Math.floor(floats / (rowsPerQuery * largestBlock)),
      Math.floor(floats / (rowsPerQuery * this.features)),
      candidates ? Math.floor(floats / candidates) : Infinity,
      Math.floor(MAX_BATCH_KEYS / this.count),
    );
    if (batch < 1) throw new LimitExceededError('A search of one query', 4 * Math.max(candidates, rowsPerQuery * largestBlock), this.limit, '(bytes per buffer) Use a smaller k.');
    return batch;
  }

  private async scoreBatch(part: PreparedQueries, mode: ScoreMode, weights: ScoreWeights, k: number): Promise<{ indices: Uint32Array; keys: Float32Array }> {
    const rows = part.vectors.rows;
    const workspace = this.workspace(rows, productRows(mode, rows), k);
    // Energy needs [Q; L Q] @ X^T; cosine and lambdaAware only Q @ X^T (half the work).
    workspace.stacked.write(stackQueries(part, usesLaplacianProducts(mode)));
    workspace.queryStats.write(packStats(part.lambda, part.dispersion, part.quadratic, part.norm));
    const batch = new CommandBatch(this.ctx);
    workspace.blocks.forEach(({ products, keys }, b) => {
      const block = this.blocks[b];
      batch.dispatch(productsProgram(this.ctx, workspace.stacked, block.vectors, products));
      batch.dispatch(scoreProgram(products, block.stats!, workspace.queryStats, keys, mode, weights));
    });
    for (const program of workspace.topK.programs) batch.dispatch(program);
    const bytes = rows * k * 4;
    workspace.readback.record(batch, [
      { tensor: workspace.topK.result.indices, bytes },
      { tensor: workspace.topK.result.keys, bytes },
    ]);
    await batch.submit();
    const [indexBytes, keyBytes] = await workspace.readback.read();
    return { indices: new Uint32Array(indexBytes), keys: decodeTopKKeys(new Uint32Array(keyBytes), true) };
  }

  /** The buffers of a batch shape, made on first use and kept (least recently used dropped). */
  private workspace(queries: number, productRows: number, k: number): SearchWorkspace {
    const key = `${queries}:${productRows}:${k}`;
    let workspace = this.workspaces.get(key);
    if (workspace) {
      this.workspaces.delete(key);
    } else {
      workspace = new SearchWorkspace(this.ctx, this.blocks, this.features, queries, productRows, k);
      if (this.workspaces.size >= KEPT_WORKSPACES) {
        const [oldest, dropped] = this.workspaces.entries().next().value!;
        dropped.dispose();
        this.workspaces.delete(oldest);
      }
    }
    this.workspaces.set(key, workspace);
    return workspace;
  }

  dispose(): void {
    for (const workspace of this.workspaces.values()) workspace.dispose();
    this.workspaces.clear();
    for (const block of this.blocks) {
      block.vectors.dispose();
      block.stats?.dispose();
      block.stats = null;
    }
  }
}

/** The buffers and fixed programs of one batch shape. */
class SearchWorkspace {
  readonly stacked: Tensor;
  readonly queryStats: Tensor;
  readonly blocks: Array<{ products: Tensor; keys: Tensor }> = [];
  readonly topK: BlockedTopK;
  readonly readback: Readback;
  private readonly owned: Array<{ dispose(): void }> = [];

  constructor(ctx: GpuContext, items: ItemBlock[], features: number, queries: number, productRows: number, k: number) {
    const own = <T extends { dispose(): void }>(value: T) => (this.owned.push(value), value);
    this.readback = own(new Readback(ctx));
    try {
      this.stacked = own(Tensor.empty(ctx, [productRows, features]));
      this.queryStats = own(Tensor.empty(ctx, [queries, 4]));
      for (const block of items) this.blocks.push({ products: own(Tensor.empty(ctx, [productRows, block.rows])), keys: own(Tensor.empty(ctx, [queries, block.rows])) });
      this.topK = own(new BlockedTopK(ctx, this.blocks.map(({ keys }, b) => ({ scores: keys, start: items[b].start })), k));
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  dispose(): void {
    for (const value of this.owned) value.dispose();
    this.owned.length = 0;
  }
}
