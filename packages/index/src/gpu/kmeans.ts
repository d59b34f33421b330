/**
 * k-means on the GPU (reference: kmeans.ts kmeansReference): the sampled points stay resident in
 * row blocks; k-means++ seeding runs as three kernels per centre (distance update with group sums,
 * the D^2 pick over the sums, taking the point) in a few submits without readbacks; Lloyd
 * iterations (products + argmin, the convergence test, the update as per-cluster sums) run
 * ITERATIONS_PER_SUBMIT at a time, and only the status and the centroids come back after each.
 */
import distancesSource from '@shaders/index/kmeans-seed-distances.wgsl?raw';
import pickSource from '@shaders/index/kmeans-seed-pick.wgsl?raw';
import takeSource from '@shaders/index/kmeans-seed-take.wgsl?raw';
import assignSource from '@shaders/index/kmeans-assign.wgsl?raw';
import iterationSource from '@shaders/index/kmeans-iteration.wgsl?raw';
import statusSource from '@shaders/index/kmeans-status.wgsl?raw';
import updateSource from '@shaders/index/kmeans-update.wgsl?raw';
import normsSource from '@shaders/index/squared-norms.wgsl?raw';
import reduceSource from '@shaders/nn/workgroup-reduce.wgsl?raw';
import scanSource from '@shaders/index/workgroup-scan.wgsl?raw';
import { CommandBatch, ShapeError, Tensor, flatDispatch, linearWorkgroups, shaderSource, type ComputeProgram, type GpuContext } from '@opticspace/gpu';
import type { KMeansProblem, KMeansRun, RunKMeans, SeedDraws } from '../kmeans';
import type { Matrix } from '../matrix';
import { blocksFor, bufferLimit, uploadRows, type RowBlock } from './blocks';
import { featureChunks, productsProgram } from './products';
import { Readback } from './readback';

/**
 * Lloyd iterations per submit: the convergence test is read this often. Queued iterations after
 * convergence skip their assignment and update but not the product, so at most one is wasted.
 */
const ITERATIONS_PER_SUBMIT = 2;
/** Seeding launches per submit: bounds one batch's commands and uniforms (no readback between). */
const SEED_LAUNCHES_PER_SUBMIT = 768;
/** Points per group sum of the seeding (the workgroup size of the seeding kernels). */
const SEED_GROUP = 256;
/** Feature chunks per workgroup of the update kernel. */
const UPDATE_TILE = 64;
/** Status words (shaders/index/kmeans-status.wgsl). */
const STATUS = { iteration: 0, changed: 1, converged: 2 } as const;

/** Per-point squared distance to the last chosen centre, and the D^2 sum of every group of 256 points. */
export function kmeansSeedDistancesProgram(
  points: Tensor,
  centres: Tensor,
  nearest: Tensor,
  partials: Tensor,
  at: { centre: number; partialOffset: number; first: boolean },
): ComputeProgram {
  const [rows, f] = points.shape;
  const { include, chunks } = featureChunks(f);
  const groups = Math.ceil(rows / SEED_GROUP);
  if (centres.shape[1] !== f || nearest.size !== rows || at.partialOffset + groups > partials.size || at.centre >= centres.shape[0]) {
    throw new ShapeError(`kmeansSeedDistances: points [${points.shape}], centres [${centres.shape}], nearest [${nearest.shape}], partials [${partials.shape}] at ${at.partialOffset}`);
  }
  return {
    name: 'index_kmeans_seed_distances',
    source: shaderSource(distancesSource, { includes: [include], entry: 'row' }),
    bindings: [points, centres, nearest, partials],
    uniforms: [{ u32: rows }, { u32: chunks }, { u32: at.centre }, { u32: at.partialOffset }, { u32: at.first ? 1 : 0 }],
    workgroups: linearWorkgroups(points.ctx, groups, 1),
  };
}

/** The D^2 draw of centre `step` over the group sums: which group, and the target left at its start. */
export function kmeansSeedPickProgram(partials: Tensor, draws: Tensor, chosen: Tensor, pick: Tensor, step: number): ComputeProgram {
  if (step < 1 || step >= draws.size || chosen.size !== draws.size || pick.size < 3) {
    throw new ShapeError(`kmeansSeedPick: step ${step}, draws [${draws.shape}], chosen [${chosen.shape}], pick [${pick.shape}]`);
  }
  return {
    name: 'index_kmeans_seed_pick',
    source: shaderSource(pickSource, { includes: [reduceSource, scanSource], entry: 'row' }),
    bindings: [partials, draws, chosen, pick],
    uniforms: [{ u32: partials.size }, { u32: step }],
    workgroups: [1, 1, 1],
  };
}

/** In the block that holds it: the picked point's row into chosen[step], the point into centres[step], its squared norm into norms[step]. */
export function kmeansSeedTakeProgram(
  points: Tensor,
  nearest: Tensor,
  pick: Tensor,
  chosen: Tensor,
  centres: Tensor,
  norms: Tensor,
  at: { blockStart: number; groupOffset: number; step: number },
): ComputeProgram {
  const [rows, f] = points.shape;
  const { include, chunks } = featureChunks(f);
  if (centres.shape[1] !== f || nearest.size !== rows || norms.size !== centres.shape[0] || at.step >= centres.shape[0]) {
    throw new ShapeError(`kmeansSeedTake: points [${points.shape}], nearest [${nearest.shape}], centres [${centres.shape}], norms [${norms.shape}], step ${at.step}`);
  }
  return {
    name: 'index_kmeans_seed_take',
    source: shaderSource(takeSource, { includes: [include, reduceSource, scanSource], entry: 'row' }),
    bindings: [points, nearest, pick, chosen, centres, norms],
    uniforms: [{ u32: rows }, { u32: chunks }, { u32: at.blockStart }, { u32: at.groupOffset }, { u32: at.step }],
    workgroups: [1, 1, 1],
  };
}

/** Argmin over the products [K, n] of the centroids with a block of n points; counts changed labels (reference: kmeans.ts assignNearestSync). */
export function kmeansAssignProgram(products: Tensor, centroidSquaredNorms: Tensor, labels: Tensor, status: Tensor): ComputeProgram {
  const [k, n] = products.shape;
  if (centroidSquaredNorms.size !== k || labels.size < n || labels.dtype !== 'u32' || status.size < 3) {
    throw new ShapeError(`kmeansAssign: products [${products.shape}], centroid norms [${centroidSquaredNorms.shape}], labels [${labels.shape}] ${labels.dtype}`);
  }
  return {
    name: 'index_kmeans_assign',
    source: shaderSource(assignSource, { includes: [statusSource], entry: 'flat' }),
    bindings: [products, centroidSquaredNorms, labels, status],
    uniforms: [{ u32: n }, { u32: k }],
    ...flatDispatch(products.ctx, n, 64),
  };
}

/** After each assignment: counts the iteration, sets CONVERGED once at most `maxChanged` labels changed (not after the first). */
export function kmeansIterationProgram(status: Tensor, maxChanged: number): ComputeProgram {
  return {
    name: 'index_kmeans_iteration',
    source: shaderSource(iterationSource, { includes: [statusSource], entry: 'flat' }),
    bindings: [status],
    uniforms: [{ u32: maxChanged }],
    ...flatDispatch(status.ctx, 1, 1),
  };
}

/** Label slots for `rows` points: a multiple of 4, as the update kernel reads labels as vec4 (the extra ones unused). */
export function labelSlots(rows: number): number {
  return Math.ceil(rows / 4) * 4;
}

/**
 * Per-cluster sums of a block's points by label, added to the earlier blocks' (sums, counts);
 * the last block writes the means into `centroids` (reference: kmeans.ts updateCentroidsReference).
 */
export function kmeansUpdateProgram(
  points: Tensor,
  labels: Tensor,
  status: Tensor,
  sums: Tensor,
  counts: Tensor,
  centroids: Tensor,
  block: { first: boolean; last: boolean },
): ComputeProgram {
  const [rows, f] = points.shape;
  const [k] = centroids.shape;
  const { include, chunks } = featureChunks(f);
  const tiles = Math.ceil(chunks / UPDATE_TILE);
  if (labels.size !== labelSlots(rows) || centroids.shape[1] !== f || sums.size !== centroids.size || counts.size !== k * tiles) {
    throw new ShapeError(`kmeansUpdate: points [${points.shape}], labels [${labels.shape}], centroids [${centroids.shape}], sums [${sums.shape}], counts [${counts.shape}]`);
  }
  return {
    name: 'index_kmeans_update',
    source: shaderSource(updateSource, { includes: [include, statusSource], entry: 'row' }),
    bindings: [points, labels, status, sums, counts, centroids],
    uniforms: [{ u32: rows }, { u32: chunks }, { u32: k }, { u32: tiles }, { u32: block.first ? 1 : 0 }, { u32: block.last ? 1 : 0 }],
    workgroups: linearWorkgroups(points.ctx, k * tiles, 1),
  };
}

/** Squared norm of every row (reference: squaredRowNormsReference). */
export function squaredNormsProgram(values: Tensor, norms: Tensor): ComputeProgram {
  const [rows, f] = values.shape;
  if (norms.size !== rows) throw new ShapeError(`squaredNorms: values [${values.shape}], norms [${norms.shape}]`);
  return {
    name: 'index_squared_norms',
    source: shaderSource(normsSource, { entry: 'flat' }),
    bindings: [values, norms],
    uniforms: [{ u32: rows }, { u32: f }],
    ...flatDispatch(values.ctx, rows, 64),
  };
}

export function squaredRowNormsReference(matrix: Matrix): Float32Array {
  const out = new Float32Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) {
    let sum = 0;
    for (let f = 0; f < matrix.columns; f++) sum += matrix.data[r * matrix.columns + f] ** 2;
    out[r] = sum;
  }
  return out;
}

/** The GPU k-means of a backend whose buffers take at most `limit` bytes. */
export function gpuKMeans(ctx: GpuContext, limit: number): RunKMeans {
  return (problem) =>
    ctx.checked(async () => {
      const engine = new KMeansEngine(ctx, problem, limit);
      try {
        await engine.seed();
        return await engine.iterate();
      } finally {
        engine.dispose();
      }
    });
}

/** k-means++ seeding alone on the GPU: the chosen rows and the centres (tests, self-checks). */
export function gpuKMeansSeeds(ctx: GpuContext, points: Matrix, k: number, draws: SeedDraws, limit = bufferLimit(ctx)): Promise<{ rows: Uint32Array; centres: Matrix }> {
  return ctx.checked(async () => {
    const engine = new KMeansEngine(ctx, { points, clusters: k, draws, iterations: 0, maxChanged: 0 }, limit);
    try {
      await engine.seed();
      return await engine.seeds();
    } finally {
      engine.dispose();
    }
  });
}

interface PointBlock extends RowBlock {
  points: Tensor;
  nearest: Tensor;
  labels: Tensor;
  products: Tensor;
  /** Index of the block's first group sum in `partials`. */
  groupOffset: number;
}

class KMeansEngine {
  private readonly blocks: PointBlock[];
  private readonly k: number;
  private readonly features: number;
  private readonly centres: Tensor;
  private readonly norms: Tensor;
  private readonly partials: Tensor;
  private readonly draws: Tensor;
  private readonly chosen: Tensor;
  private readonly pick: Tensor;
  private readonly status: Tensor;
  private readonly sums: Tensor;
  private readonly counts: Tensor;
  private readonly readback: Readback;
  private readonly owned: Tensor[] = [];

  constructor(
    private readonly ctx: GpuContext,
    private readonly problem: KMeansProblem,
    limit: number,
  ) {
    const { points, clusters: k } = problem;
    const f = points.columns;
    this.k = k;
    this.features = f;
    const own = (tensor: Tensor) => (this.owned.push(tensor), tensor);
    try {
      // Per point: its features, and its column of the [K, rows] products.
      let groupOffset = 0;
      this.blocks = blocksFor(points.rows, limit, 4 * Math.max(f, k)).map((block) => {
        const part = {
          ...block,
          points: own(uploadRows(ctx, points, block)),
          nearest: own(Tensor.empty(ctx, [block.rows])),
          labels: own(Tensor.from(ctx, new Uint32Array(labelSlots(block.rows)).fill(0xffffffff), [labelSlots(block.rows)], 'u32')),
          products: own(Tensor.empty(ctx, [k, block.rows])),
          groupOffset,
        };
        groupOffset += Math.ceil(block.rows / SEED_GROUP);
        return part;
      });
      this.centres = own(Tensor.empty(ctx, [k, f]));
      this.norms = own(Tensor.empty(ctx, [k]));
      this.partials = own(Tensor.empty(ctx, [Math.max(1, groupOffset)]));
      this.draws = own(Tensor.from(ctx, problem.draws.uniforms, [k]));
      const chosen = new Uint32Array(k);
      chosen[0] = problem.draws.first;
      this.chosen = own(Tensor.from(ctx, chosen, [k], 'u32'));
      // Mode 2: the first centre (chosen[0]) is decided.
      this.pick = own(Tensor.from(ctx, [2, 0, 0, 0], [4], 'u32'));
      this.status = own(Tensor.from(ctx, [0, 0, 0, 0], [4], 'u32'));
      this.sums = own(Tensor.empty(ctx, [k, f]));
      this.counts = own(Tensor.empty(ctx, [k * Math.ceil(featureChunks(f).chunks / UPDATE_TILE)], 'u32'));
    } catch (error) {
      this.dispose();
      throw error;
    }
    this.readback = new Readback(ctx);
  }

  /** k-means++: the k centres (and their norms) in `centres`, chosen on the GPU. */
  async seed(): Promise<void> {
    // Per centre: a distance update per block, the pick, a take per block.
    const steps = Math.max(1, Math.floor(SEED_LAUNCHES_PER_SUBMIT / (2 * this.blocks.length + 1)));
    for (let from = 0; from < this.k; from += steps) {
      const batch = new CommandBatch(this.ctx);
      for (let step = from; step < Math.min(this.k, from + steps); step++) {
        if (step > 0) {
          for (const block of this.blocks) {
            batch.dispatch(kmeansSeedDistancesProgram(block.points, this.centres, block.nearest, this.partials, { centre: step - 1, partialOffset: block.groupOffset, first: step === 1 }));
          }
          batch.dispatch(kmeansSeedPickProgram(this.partials, this.draws, this.chosen, this.pick, step));
        }
        for (const block of this.blocks) {
          batch.dispatch(kmeansSeedTakeProgram(block.points, block.nearest, this.pick, this.chosen, this.centres, this.norms, { blockStart: block.start, groupOffset: block.groupOffset, step }));
        }
      }
      await batch.submit();
    }
  }

  /** The seeding's rows and centres. */
  async seeds(): Promise<{ rows: Uint32Array; centres: Matrix }> {
    const batch = this.readback.record(new CommandBatch(this.ctx), [
      { tensor: this.chosen, bytes: this.chosen.byteLength },
      { tensor: this.centres, bytes: this.centres.byteLength },
    ]);
    await batch.submit();
    const [rows, centres] = await this.readback.read();
    return { rows: new Uint32Array(rows), centres: { data: new Float32Array(centres), rows: this.k, columns: this.features } };
  }

  /** Lloyd iterations until converged or the limit; reads the status and centroids every few. */
  async iterate(): Promise<KMeansRun> {
    const { iterations, maxChanged } = this.problem;
    for (let done = 0; ; ) {
      const count = Math.min(ITERATIONS_PER_SUBMIT, iterations - done);
      const batch = new CommandBatch(this.ctx);
      for (let i = 0; i < count; i++) this.recordIteration(batch, maxChanged);
      this.readback.record(batch, [
        { tensor: this.status, bytes: 16 },
        { tensor: this.centres, bytes: this.centres.byteLength },
      ]);
      await batch.submit();
      const [status, centres] = await this.readback.read();
      done += count;
      const words = new Uint32Array(status);
      if (words[STATUS.converged] !== 0 || done >= iterations) {
        return { centroids: { data: new Float32Array(centres), rows: this.k, columns: this.features }, iterations: words[STATUS.iteration] };
      }
    }
  }

  private recordIteration(batch: CommandBatch, maxChanged: number): void {
    for (const block of this.blocks) {
      batch.dispatch(productsProgram(this.ctx, this.centres, block.points, block.products));
      batch.dispatch(kmeansAssignProgram(block.products, this.norms, block.labels, this.status));
    }
    batch.dispatch(kmeansIterationProgram(this.status, maxChanged));
    this.blocks.forEach((block, b) => {
      batch.dispatch(kmeansUpdateProgram(block.points, block.labels, this.status, this.sums, this.counts, this.centres, { first: b === 0, last: b === this.blocks.length - 1 }));
    });
    batch.dispatch(squaredNormsProgram(this.centres, this.norms));
  }

  dispose(): void {
    for (const tensor of this.owned) tensor.dispose();
    this.owned.length = 0;
    this.readback?.dispose();
  }
}
