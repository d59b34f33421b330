// Top-k of every row of scores [rows, n] in k rounds: one workgroup per row (the row entry point,
// shaders/common/row-main.wgsl, is prepended by the host); each round is a
// strided scan plus a tree reduction that finds the best entry strictly after the previous
// winner in the total order of shaders/select/order-key.wgsl (prepended by the host), so nothing
// is written back. Cheap for small k or short rows; shaders/select/select-passes.wgsl serves the rest
// (the choice: packages/gpu/src/kernels/select-top-k.ts). NaN scores are counted in status[0]
// (status[1] = 0xffffffff - first flat NaN position) in the first round and never selected.

struct Params {
  rows: u32,
  n: u32,
  k: u32,
  largest: u32,
};

@group(0) @binding(0) var<storage, read> scores: array<u32>; // f32 bits
@group(0) @binding(1) var<storage, read_write> out_keys: array<u32>;
@group(0) @binding(2) var<storage, read_write> out_indices: array<u32>;
@group(0) @binding(3) var<storage, read_write> status: array<atomic<u32>>;
@group(0) @binding(4) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 256u;

var<workgroup> best_keys: array<u32, WORKGROUP_SIZE>;
var<workgroup> best_indices: array<u32, WORKGROUP_SIZE>;

fn row_count() -> u32 {
  return params.rows;
}

fn run_row(row: u32, lane: u32) {
  let base = row * params.n;
  let largest = params.largest != 0u;
  var last_key = 0u;
  var last_index = SENTINEL_INDEX;
  for (var j = 0u; j < params.k; j++) {
    var key = 0u;
    var index = SENTINEL_INDEX;
    for (var i = lane; i < params.n; i += WORKGROUP_SIZE) {
      let bits = scores[base + i];
      if (is_nan_bits(bits)) {
        if (j == 0u) {
          atomicAdd(&status[0], 1u);
          atomicMax(&status[1], 0xffffffffu - (base + i));
        }
        continue;
      }
      let candidate = order_key(bits, largest);
      let eligible = j == 0u || better(last_key, last_index, candidate, i);
      if (eligible && better(candidate, i, key, index)) {
        key = candidate;
        index = i;
      }
    }
    best_keys[lane] = key;
    best_indices[lane] = index;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
      if (lane < stride && better(best_keys[lane + stride], best_indices[lane + stride], best_keys[lane], best_indices[lane])) {
        best_keys[lane] = best_keys[lane + stride];
        best_indices[lane] = best_indices[lane + stride];
      }
      workgroupBarrier();
    }
    last_key = best_keys[0];
    last_index = best_indices[0];
    if (lane == 0u) {
      out_keys[row * params.k + j] = last_key;
      out_indices[row * params.k + j] = last_index;
    }
    workgroupBarrier();
  }
}
