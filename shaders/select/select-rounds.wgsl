// Top-k of every row of scores [rows, n] in k rounds. Each workgroup owns one chunk of one row
// (the row entry point, shaders/common/row-main.wgsl, is prepended by the host and numbers the
// workgroups (row, chunk) row-major); each round is a strided scan of the chunk plus a tree
// reduction that finds the best entry strictly after the previous winner in the total order of
// shaders/select/order-key.wgsl (prepended by the host), so nothing is written back. Long rows are
// split into chunks so a GPU selects them in parallel; the chunks' k-best lists are then merged by
// the same kernel with FROM_KEYS (input: order keys and the entries' indices in the row). Cheap
// for small k; shaders/select/select-passes.wgsl serves larger k on long rows (the choice:
// packages/gpu/src/kernels/select-top-k.ts). NaN scores are counted in status[0]
// (status[1] = 0xffffffff - first flat NaN position) in the first round and never selected.

struct Params {
  rows: u32,
  n: u32,          // entries per row of the input
  k: u32,
  largest: u32,
  chunk_size: u32, // entries per workgroup
  chunks: u32,     // workgroups per row
};

@group(0) @binding(0) var<storage, read> input_keys: array<u32>;    // f32 score bits, or order keys (FROM_KEYS)
@group(0) @binding(1) var<storage, read> input_indices: array<u32>; // FROM_KEYS: each entry's index in the row
@group(0) @binding(2) var<storage, read_write> out_keys: array<u32>;
@group(0) @binding(3) var<storage, read_write> out_indices: array<u32>;
@group(0) @binding(4) var<storage, read_write> status: array<atomic<u32>>;
@group(0) @binding(5) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 256u;
override FROM_KEYS: bool = false;

var<workgroup> best_keys: array<u32, WORKGROUP_SIZE>;
var<workgroup> best_indices: array<u32, WORKGROUP_SIZE>;

fn row_count() -> u32 {
  return params.rows * params.chunks;
}

fn run_row(group: u32, lane: u32) {
  let row = group / params.chunks;
  let base = row * params.n;
  let start = (group - row * params.chunks) * params.chunk_size;
  let end = min(start + params.chunk_size, params.n);
  let largest = params.largest != 0u;
  var last_key = 0u;
  var last_index = SENTINEL_INDEX;
  for (var j = 0u; j < params.k; j++) {
    var key = 0u;
    var index = SENTINEL_INDEX;
    for (var i = start + lane; i < end; i += WORKGROUP_SIZE) {
      var candidate: u32;
      var candidate_index = i;
      if (FROM_KEYS) {
        candidate = input_keys[base + i];
        candidate_index = input_indices[base + i];
      } else {
        let bits = input_keys[base + i];
        if (is_nan_bits(bits)) {
          if (j == 0u) {
            atomicAdd(&status[0], 1u);
            atomicMax(&status[1], 0xffffffffu - (base + i));
          }
          continue;
        }
        candidate = order_key(bits, largest);
      }
      let eligible = j == 0u || better(last_key, last_index, candidate, candidate_index);
      if (eligible && better(candidate, candidate_index, key, index)) {
        key = candidate;
        index = candidate_index;
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
      out_keys[group * params.k + j] = last_key;
      out_indices[group * params.k + j] = last_index;
    }
    workgroupBarrier();
  }
}
