/**
 * Items resident on the GPU for search: row blocks of vectors [rows, F'] with their statistics
 * (lambda, dispersion, xT L x, norm as vec4). A search batch is one submit and one readback:
 * per block, the product [Q; L Q] @ X^T (or Q @ X^T; products.ts) and the rank keys (score.ts),
 * then the top-k over the blocks (blocked-top-k.ts); the [B, k] indices and keys land in one
 * mappable buffer. The buffers of a batch shape (queries, product rows, k) are
 * kept across calls (a few shapes, least recently used dropped). Lexical (BM25) search: the
 * resident [N, terms] BM25 matrix times the queries' term columns (csrMatmul), transposed to
 * [queries, N] keys, then the same top-k and one readback.
 */
import { CommandBatch, CsrMatrix, LimitExceededError, Tensor, csrMatmulProgram, decodeTopKKeys, selectTopKPlan, type GpuContext } from '@opticspace/gpu';
import type { ItemSignatureValues, ResidentItems } from '../backend';
import type { FeatureGraph } from '../feature-graph';
import { rowEnergiesReference } from '../row-energies';
import type { Matrix } from '../matrix';
import { termColumns, type SparseMatrix } from '../lexical/bm25';
import type { SparseRow } from '../lexical/vocabulary';
import type { ScoreMode } from '../methods';
import { sliceQueries, topKInChunks, type PreparedQueries, type ScoreWeights, type TopK } from '../search';
import { BlockedTopK } from './blocked-top-k';
import { blocksFor, uploadRows, type RowBlock } from './blocks';
import { runsOnHost } from './host';
import { productsProgram } from './products';
import { Readback } from './readback';
import { rowEnergiesOfBlocks, uploadEdges } from './row-energies';
import { packStats, productRows, scoreProgram, stackQueries, usesLaplacianProducts } from './score';
import { transposeProgram } from './transpose';

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
  private lexical: CsrMatrix | null = null;
  private lexicalReadback: Readback | null = null;

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
    const batch = this.batchSize(mode, k, queries.vectors.rows);
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
    // Queries per submit: the [terms, batch] query columns and the [N, batch] products within the limit.
    const floats = this.limit / 4;
    const batch = Math.min(queries.length, Math.floor(floats / this.count), Math.floor(floats / lexical.cols), Math.floor(MAX_BATCH_KEYS / this.count));
    if (batch < 1) throw new LimitExceededError('A lexical search of one query', 4 * Math.max(this.count, lexical.cols), this.limit, '(bytes per buffer)');
    return topKInChunks(queries.length, k, batch, (start, end) => this.serial(() => this.lexicalBatch(lexical, queries.slice(start, end), k)));
  }

  /** One batch at a time: the workspaces and readback buffers are shared by every call. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.pending.then(work);
    this.pending = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** BM25: products [N, b] = S Q (csrMatmul), transposed to keys [b, N], then top-k; one submit, one readback. */
  private async lexicalBatch(lexical: CsrMatrix, part: readonly SparseRow[], k: number): Promise<Pick<TopK, 'indices' | 'keys'>> {
    const rows = part.length;
    const columns = Tensor.from(this.ctx, termColumns(part, lexical.cols), [lexical.cols, rows]);
    const owned: Array<{ dispose(): void }> = [columns];
    try {
      const products = Tensor.empty(this.ctx, [this.count, rows]);
      owned.push(products);
      const batch = new CommandBatch(this.ctx).dispatch(csrMatmulProgram(this.ctx, lexical, columns, products));
      let scores: Tensor;
      if (rows === 1) {
        scores = products.reshape([1, this.count]); // [N, 1] is already [1, N]
      } else {
        scores = Tensor.empty(this.ctx, [rows, this.count]);
        owned.push(scores);
        batch.dispatch(transposeProgram(products, scores, this.count, rows));
      }
      const plan = selectTopKPlan(this.ctx, scores, k, { largest: true });
      owned.push(plan);
      for (const program of plan.programs) batch.dispatch(program);
      const readback = (this.lexicalReadback ??= new Readback(this.ctx));
      const bytes = rows * k * 4;
      readback.record(batch, [
        { tensor: plan.indices, bytes },
        { tensor: plan.keys, bytes },
      ]);
      await batch.submit();
      const [indexBytes, keyBytes] = await readback.read();
      return { indices: new Uint32Array(indexBytes), keys: decodeTopKKeys(new Uint32Array(keyBytes), true) };
    } finally {
      for (const value of owned) value.dispose();
    }
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
    this.lexical?.dispose();
    this.lexical = null;
    this.lexicalReadback?.dispose();
    this.lexicalReadback = null;
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
