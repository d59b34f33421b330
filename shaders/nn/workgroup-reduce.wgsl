// Workgroup-wide reductions for the one-workgroup-per-row kernels (softmax, LayerNorm).
// The host prepends this file to theirs; every invocation of the workgroup must call them.

const WORKGROUP_SIZE: u32 = 256u;

var<workgroup> scratch: array<f32, 256>;

fn reduce_max(value: f32, lane: u32) -> f32 {
  scratch[lane] = value;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      scratch[lane] = max(scratch[lane], scratch[lane + stride]);
    }
    workgroupBarrier();
  }
  let result = scratch[0];
  workgroupBarrier();
  return result;
}

fn reduce_sum(value: f32, lane: u32) -> f32 {
  scratch[lane] = value;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      scratch[lane] += scratch[lane + stride];
    }
    workgroupBarrier();
  }
  let result = scratch[0];
  workgroupBarrier();
  return result;
}
