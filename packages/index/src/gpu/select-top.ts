import source from '@shaders/index/select-top.wgsl?raw';
import { LimitExceededError, ShapeError, type ComputeProgram, type Tensor } from '@opticspace/gpu';

/** Short rows (feature kNN) use narrow workgroups: fewer idle lanes and cheaper barriers. */
function workgroupSize(n: number): number {
  return n <= 4096 ? 64 : 256;
}

/** Top-k per row of keys [rows, n] (reference: search.ts topKReference). */
export function selectTopProgram(keys: Tensor, k: number, outIndices: Tensor, outKeys: Tensor): ComputeProgram {
  const [rows, n] = keys.shape;
  if (!(k >= 1 && k <= n) || outIndices.size !== rows * k || outKeys.size !== rows * k) {
    throw new ShapeError(`selectTop: k=${k} for rows of ${n}; outputs [${outIndices.shape}] and [${outKeys.shape}]`);
  }
  const maxGroups = keys.ctx.limits.maxComputeWorkgroupsPerDimension;
  if (rows > maxGroups) throw new LimitExceededError('selectTop (one workgroup per query)', rows, maxGroups, 'Search in smaller batches.');
  return {
    name: 'index_select_top',
    source,
    constants: { WORKGROUP_SIZE: workgroupSize(n) },
    bindings: [keys, outIndices, outKeys],
    uniforms: [{ u32: n }, { u32: k }],
    workgroups: [rows, 1, 1],
  };
}
