import passesSource from '@shaders/select/select-passes.wgsl?raw';
import roundsSource from '@shaders/select/select-rounds.wgsl?raw';
import orderKeySource from '@shaders/select/order-key.wgsl?raw';
import type { GpuContext } from '../device';
import { InvalidInputError, ShapeError } from '../errors';
import { linearWorkgroups } from '../dispatch';
import type { ComputeProgram } from '../program';
import { CommandBatch } from '../batch';
import { shaderSource } from '../shader';
import { Tensor, shapeToString } from '../tensor';

/**
 * Largest k of the multi-pass kernel: kept entries (k rounded up to a power of two) plus the
 * queue fit 12 KiB of workgroup memory. Larger k runs k selection rounds instead.
 */
const PASSES_MAX_K = 1024;
/** Rounds win for k up to this (one scan per result, but no merging)... */
const ROUNDS_MAX_K = 32;
/** ...and, on short rows (feature kNN), up to ROUNDS_MAX_K_SHORT_ROWS. */
const SHORT_ROW = 4096;
const ROUNDS_MAX_K_SHORT_ROWS = 64;
/** Fewest kept entries per workgroup: one per invocation of a 256-wide workgroup. */
const MIN_BEST = 256;
/** Most queue slots: with 1024 kept entries, 12 KiB of workgroup memory (under the 16 KiB minimum). */
const MAX_QUEUE = 512;
/**
 * Entries per workgroup of the rounds kernel: longer rows are split into chunks selected in
 * parallel (one workgroup doing k scans of a 100K row is latency-bound on a GPU), then their
 * k-best lists are merged by the same kernel. At least ROUNDS_SHRINK * k, so each merge shrinks.
 */
const ROUNDS_CHUNK = 4096;
const ROUNDS_SHRINK = 4;
/** Workgroups per row in the first pass for long rows: parallelism vs candidates to merge. */
const MAX_CHUNKS_PER_ROW = 32;
/** Smallest chunk, as a multiple of BEST: the first BEST entries fill the kept list, later ones are mostly filtered out. */
const MIN_CHUNK_MULTIPLE = 16;

export interface SelectTopKOptions {
  /** true (default): largest scores first; false: smallest first. */
  largest?: boolean;
  /** Force a kernel (tests, benchmarks); default: topKKernelFor(n, k). */
  kernel?: TopKKernel;
}

export type TopKKernel = 'rounds' | 'passes';

/**
 * The one place that picks a top-k kernel for rows of `n` scores: k selection rounds
 * (shaders/select/select-rounds.wgsl) for small k or short rows and for k past the multi-pass
 * limit; otherwise the chunked multi-pass selection (shaders/select/select-passes.wgsl).
 */
export function topKKernelFor(n: number, k: number): TopKKernel {
  if (k <= ROUNDS_MAX_K || (n <= SHORT_ROW && k <= ROUNDS_MAX_K_SHORT_ROWS) || k > PASSES_MAX_K) return 'rounds';
  return 'passes';
}

/** One selection pass: `chunks` workgroups per row each keep k of `chunkSize` entries. */
interface TopKPass {
  length: number;
  chunkSize: number;
  chunks: number;
}

/** Pass geometry for rows of `length` entries: each pass shrinks rows at least 16x until one chunk is left. */
export function topKPasses(length: number, k: number): { best: number; queue: number; passes: TopKPass[] } {
  let best = MIN_BEST;
  while (best < k) best *= 2;
  const passes: TopKPass[] = [];
  for (;;) {
    const chunkSize = Math.max(MIN_CHUNK_MULTIPLE * best, Math.ceil(length / MAX_CHUNKS_PER_ROW));
    const chunks = Math.ceil(length / chunkSize);
    passes.push({ length, chunkSize, chunks });
    if (chunks === 1) break;
    length = chunks * k;
  }
  return { best, queue: Math.min(best, MAX_QUEUE), passes };
}

/** Rounds geometry for rows of `length` entries: chunks selected in parallel, then merges of their k-best lists until one chunk is left. */
export function topKRounds(length: number, k: number): TopKPass[] {
  const passes: TopKPass[] = [];
  const largestChunk = Math.max(ROUNDS_CHUNK, ROUNDS_SHRINK * k);
  for (;;) {
    const chunks = Math.ceil(length / largestChunk);
    passes.push({ length, chunkSize: Math.ceil(length / chunks), chunks });
    if (chunks === 1) break;
    length = chunks * k;
  }
  return passes;
}

/**
 * GPU-resident top-k: the programs to batch, the [rows, k] u32 result tensors (order keys, see
 * `decodeTopKKeys`, and positions within each row), and a status tensor whose first u32 counts
 * NaN scores. The caller submits `programs` (in one CommandBatch, possibly after the kernels
 * that produce the scores), then `readTopK` or its own readback, and disposes the plan.
 */
export interface TopKPlan {
  kernel: TopKKernel;
  rows: number;
  /** Scores per row. */
  n: number;
  k: number;
  largest: boolean;
  programs: ComputeProgram[];
  keys: Tensor;
  indices: Tensor;
  status: Tensor;
  dispose(): void;
}

function rowsOf(scores: Tensor): { rows: number; n: number } {
  if (scores.dtype !== 'f32' || scores.shape.length < 1 || scores.shape.length > 2) {
    throw new ShapeError(`selectTopK: scores must be f32 [rows, n] or [n], got ${scores.dtype} ${shapeToString(scores.shape)}`);
  }
  const n = scores.shape[scores.shape.length - 1];
  const rows = scores.shape.length === 2 ? scores.shape[0] : 1;
  if (rows < 1 || n < 1) throw new ShapeError(`selectTopK: scores must not be empty, got ${shapeToString(scores.shape)}`);
  return { rows, n };
}

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InvalidInputError(`selectTopK: k must be an integer in [1, n] = [1, ${n}], got ${k}`);
  }
}

/** Plans a top-k over scores [rows, n] (kernel chosen by topKKernelFor) without running it. */
export function selectTopKPlan(ctx: GpuContext, scores: Tensor, k: number, options: SelectTopKOptions = {}): TopKPlan {
  const { rows, n } = rowsOf(scores);
  checkK(k, n);
  const kernel = options.kernel ?? topKKernelFor(n, k);
  if (kernel === 'passes' && k > PASSES_MAX_K) {
    throw new InvalidInputError(`selectTopK: the multi-pass kernel takes k <= ${PASSES_MAX_K}, got ${k}`);
  }
  const largest = options.largest ?? true;
  return plan(ctx, { kernel, rows, n, k, largest }, (status, owned) =>
    kernel === 'rounds'
      ? roundsPrograms(ctx, { keys: scores, indices: scores, fromKeys: false }, rows, n, k, largest, status, owned)
      : passesPrograms(ctx, scores, rows, n, k, largest, status, owned),
  );
}

/**
 * Plans the merge of k-best lists (or of any entries given as order keys): keys [rows, n], as a
 * plan's `keys` (made with the same `largest`), with each entry's index (e.g. its position in a
 * longer row split into blocks). The k best per row, ties to the lower index; the rounds kernel.
 */
export function mergeTopKPlan(ctx: GpuContext, keys: Tensor, indices: Tensor, k: number, options: { largest?: boolean } = {}): TopKPlan {
  if (keys.dtype !== 'u32' || indices.dtype !== 'u32' || keys.size !== indices.size || keys.shape.length !== 2) {
    throw new ShapeError(`mergeTopK: keys and indices must be u32 [rows, n] of one shape, got ${keys.dtype} ${shapeToString(keys.shape)} and ${indices.dtype} ${shapeToString(indices.shape)}`);
  }
  const [rows, n] = keys.shape;
  checkK(k, n);
  const largest = options.largest ?? true;
  return plan(ctx, { kernel: 'rounds', rows, n, k, largest }, (status, owned) => roundsPrograms(ctx, { keys, indices, fromKeys: true }, rows, n, k, largest, status, owned));
}

type Programs = { programs: ComputeProgram[]; keys: Tensor; indices: Tensor };

/** A plan from the programs `build` records on a fresh status tensor; tensors it allocates go in `owned`. */
function plan(ctx: GpuContext, shape: Pick<TopKPlan, 'kernel' | 'rows' | 'n' | 'k' | 'largest'>, build: (status: Tensor, owned: Tensor[]) => Programs): TopKPlan {
  const status = Tensor.from(ctx, [0, 0], [2], 'u32');
  const owned: Tensor[] = [status];
  try {
    return { ...shape, ...build(status, owned), status, dispose: () => owned.forEach((t) => t.dispose()) };
  } catch (error) {
    owned.forEach((t) => t.dispose());
    throw error;
  }
}

/** Entries to select from: raw f32 scores (positions are the indices), or order keys with their indices. */
type RoundsInput = { keys: Tensor; indices: Tensor; fromKeys: boolean };

function roundsPrograms(ctx: GpuContext, input: RoundsInput, rows: number, n: number, k: number, largest: boolean, status: Tensor, owned: Tensor[]): Programs {
  const programs: ComputeProgram[] = [];
  let { keys: inputKeys, indices: inputIndices } = input;
  topKRounds(n, k).forEach((pass, p) => {
    const keys = Tensor.empty(ctx, [rows * pass.chunks, k], 'u32');
    const indices = Tensor.empty(ctx, [rows * pass.chunks, k], 'u32');
    owned.push(keys, indices);
    programs.push({
      name: 'select_rounds',
      source: shaderSource(roundsSource, { includes: [orderKeySource], entry: 'row' }),
      // Short chunks use narrow workgroups: fewer idle lanes and cheaper barriers.
      constants: { WORKGROUP_SIZE: pass.chunkSize <= SHORT_ROW ? 64 : 256, FROM_KEYS: p > 0 || input.fromKeys ? 1 : 0 },
      bindings: [inputKeys, inputIndices, keys, indices, status],
      uniforms: [{ u32: rows }, { u32: pass.length }, { u32: k }, { u32: largest ? 1 : 0 }, { u32: pass.chunkSize }, { u32: pass.chunks }],
      workgroups: linearWorkgroups(ctx, rows * pass.chunks, 1),
    });
    inputKeys = keys;
    inputIndices = indices;
  });
  return { programs, keys: inputKeys, indices: inputIndices };
}

function passesPrograms(ctx: GpuContext, scores: Tensor, rows: number, n: number, k: number, largest: boolean, status: Tensor, owned: Tensor[]): Programs {
  const { best, queue, passes } = topKPasses(n, k);
  const programs: ComputeProgram[] = [];
  let inputKeys: Tensor = scores;
  let inputIndices: Tensor = scores;
  passes.forEach((pass, p) => {
    const keys = Tensor.empty(ctx, [rows * pass.chunks, k], 'u32');
    const indices = Tensor.empty(ctx, [rows * pass.chunks, k], 'u32');
    owned.push(keys, indices);
    programs.push({
      name: `topk_pass_${best}`,
      source: shaderSource(passesSource, { includes: [orderKeySource], entry: 'row' }),
      constants: { FROM_SCORES: p === 0 ? 1 : 0, BEST: best, QUEUE: queue, SLOTS: best + queue },
      bindings: [inputKeys, inputIndices, keys, indices, status],
      uniforms: [
        { u32: rows },
        { u32: pass.length },
        { u32: k },
        { u32: pass.chunkSize },
        { u32: pass.chunks },
        { u32: largest ? 1 : 0 },
      ],
      workgroups: linearWorkgroups(ctx, rows * pass.chunks, 1),
    });
    inputKeys = keys;
    inputIndices = indices;
  });
  return { programs, keys: inputKeys, indices: inputIndices };
}

/** Turns order keys back into scores (exact, except that -0 comes back as +0). */
export function decodeTopKKeys(keys: Uint32Array, largest: boolean): Float32Array {
  const bits = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = largest ? keys[i] : ~keys[i] >>> 0;
    bits[i] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  }
  return new Float32Array(bits.buffer);
}

/**
 * The k best scores of each row of scores [rows, n] (f32), best first, ties broken by lower
 * index; rows * k results are read back. NaN scores raise InvalidInputError.
 */
export async function selectTopK(
  ctx: GpuContext,
  scores: Tensor,
  k: number,
  options: SelectTopKOptions = {},
): Promise<{ values: Float32Array; indices: Uint32Array }> {
  const plan = selectTopKPlan(ctx, scores, k, options);
  try {
    return await ctx.checked(async () => {
      const batch = new CommandBatch(ctx);
      for (const program of plan.programs) batch.dispatch(program);
      await batch.submit();
      return readTopK(ctx, plan);
    });
  } finally {
    plan.dispose();
  }
}

/**
 * Reads a submitted plan's rows * k results (one copy, one map) and checks its NaN count:
 * InvalidInputError names the first NaN's row and column.
 */
export async function readTopK(ctx: GpuContext, plan: TopKPlan): Promise<{ values: Float32Array; indices: Uint32Array }> {
  const resultBytes = plan.rows * plan.k * 4;
  const [status, keys, indices] = await readTogether(ctx, [
    [plan.status.buffer, 8],
    [plan.keys.buffer, resultBytes],
    [plan.indices.buffer, resultBytes],
  ]);
  if (status[0] > 0) {
    const first = 0xffffffff - status[1];
    throw new InvalidInputError(
      `selectTopK: scores contain ${status[0]} NaN value(s); the first is at row ${Math.floor(first / plan.n)}, column ${first % plan.n}`,
    );
  }
  return { values: decodeTopKKeys(keys, plan.largest), indices };
}

/** Reads several buffer prefixes (byte lengths multiples of 4) as u32 with one copy and one map. */
async function readTogether(ctx: GpuContext, parts: Array<[GPUBuffer, number]>): Promise<Uint32Array[]> {
  ctx.assertAlive();
  const total = parts.reduce((sum, [, bytes]) => sum + bytes, 0);
  const staging = ctx.device.createBuffer({ size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = ctx.device.createCommandEncoder();
    let offset = 0;
    for (const [buffer, bytes] of parts) {
      encoder.copyBufferToBuffer(buffer, 0, staging, offset, bytes);
      offset += bytes;
    }
    ctx.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange().slice(0);
    staging.unmap();
    offset = 0;
    return parts.map(([, bytes]) => {
      const view = new Uint32Array(copy, offset, bytes / 4);
      offset += bytes;
      return view;
    });
  } finally {
    staging.destroy();
  }
}

/**
 * Plain-TypeScript reference: per row, the k best (value, index) by value, then lower index,
 * kept in a sorted list of k (binary insertion). NaN raises InvalidInputError; -0 is reported as 0.
 */
export function selectTopKReference(
  scores: ArrayLike<number>,
  rows: number,
  n: number,
  k: number,
  largest = true,
): { values: Float32Array; indices: Uint32Array } {
  if (scores.length !== rows * n) throw new ShapeError(`selectTopKReference: ${scores.length} scores for ${rows} x ${n}`);
  checkK(k, n);
  const values = new Float32Array(rows * k);
  const indices = new Uint32Array(rows * k);
  const sign = largest ? 1 : -1;
  const bestValues = new Float64Array(k); // sign-adjusted: larger is better
  const bestIndices = new Uint32Array(k);
  for (let r = 0; r < rows; r++) {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const raw = scores[r * n + i];
      if (Number.isNaN(raw)) throw new InvalidInputError(`selectTopKReference: NaN at row ${r}, column ${i}`);
      const v = sign * raw;
      // Equal values arrive in increasing index order, so a later one never displaces an earlier one.
      if (count === k && !(v > bestValues[k - 1])) continue;
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (bestValues[mid] >= v) lo = mid + 1;
        else hi = mid;
      }
      const last = Math.min(count, k - 1);
      for (let j = last; j > lo; j--) {
        bestValues[j] = bestValues[j - 1];
        bestIndices[j] = bestIndices[j - 1];
      }
      bestValues[lo] = v;
      bestIndices[lo] = i;
      if (count < k) count++;
    }
    for (let j = 0; j < k; j++) {
      values[r * k + j] = sign * bestValues[j] || 0;
      indices[r * k + j] = bestIndices[j];
    }
  }
  return { values, indices };
}
