/**
 * The top-k of rows whose scores are split into column blocks (items kept in row blocks): a
 * top-k per block, then, with several blocks, their k-best lists gathered into one candidate
 * list per row (indices made global) and merged by the one top-k of @opticspace/gpu.
 * Reference: selectTopKReference over the whole rows.
 */
import gatherSource from '@shaders/index/gather-candidates.wgsl?raw';
import { Tensor, flatDispatch, mergeTopKPlan, selectTopKPlan, shaderSource, type ComputeProgram, type GpuContext, type TopKPlan } from '@opticspace/gpu';

/** Candidate columns [offset, offset + plan.k) of one block's k-best lists, with the block's first item `start`. */
export function gatherCandidatesProgram(plan: TopKPlan, candidateKeys: Tensor, candidateIndices: Tensor, at: { offset: number; start: number }): ComputeProgram {
  const [queries, columns] = candidateKeys.shape;
  return {
    name: 'index_gather_candidates',
    source: shaderSource(gatherSource, { entry: 'flat' }),
    bindings: [plan.keys, plan.indices, candidateKeys, candidateIndices],
    uniforms: [{ u32: queries }, { u32: plan.k }, { u32: columns }, { u32: at.offset }, { u32: at.start }],
    ...flatDispatch(candidateKeys.ctx, queries * plan.k, 64),
  };
}

export class BlockedTopK {
  /** Record after the programs that write the blocks' scores. */
  readonly programs: ComputeProgram[] = [];
  /** [rows, k] order keys (larger is better, see decodeTopKKeys) and global indices. */
  readonly result: { keys: Tensor; indices: Tensor };
  private readonly owned: Array<{ dispose(): void }> = [];

  /** Scores [rows, n_b] of the items [start, start + n_b) of each block, blocks in item order. */
  constructor(ctx: GpuContext, blocks: ReadonlyArray<{ scores: Tensor; start: number }>, k: number) {
    const own = <T extends { dispose(): void }>(value: T) => (this.owned.push(value), value);
    try {
      const plans = blocks.map(({ scores }) => own(selectTopKPlan(ctx, scores, Math.min(k, scores.shape[1]), { largest: true })));
      for (const plan of plans) this.programs.push(...plan.programs);
      if (plans.length === 1) {
        this.result = plans[0];
        return;
      }
      const rows = blocks[0].scores.shape[0];
      const columns = plans.reduce((sum, plan) => sum + plan.k, 0);
      const keys = own(Tensor.empty(ctx, [rows, columns], 'u32'));
      const indices = own(Tensor.empty(ctx, [rows, columns], 'u32'));
      let offset = 0;
      plans.forEach((plan, b) => {
        this.programs.push(gatherCandidatesProgram(plan, keys, indices, { offset, start: blocks[b].start }));
        offset += plan.k;
      });
      const merge = own(mergeTopKPlan(ctx, keys, indices, k));
      this.programs.push(...merge.programs);
      this.result = merge;
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Candidates per row before the merge: the sum over blocks of min(k, n_b) (0 for one block). */
  static candidates(blockRows: readonly number[], k: number): number {
    return blockRows.length > 1 ? blockRows.reduce((sum, rows) => sum + Math.min(k, rows), 0) : 0;
  }

  dispose(): void {
    for (const value of this.owned) value.dispose();
    this.owned.length = 0;
  }
}
