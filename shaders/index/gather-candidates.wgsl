// Search over items stored in several row blocks: copies one block's k-best lists
// (keys [queries, width], indices within the block) into the candidate lists of every query
// (candidate_keys [queries, columns], at columns [offset, offset + width)), with the indices made
// global (+ start). The merge top-k then picks the k best candidates of each query.
// Reference: packages/index/src/search.ts (the top-k over all items at once).
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  queries: u32,
  width: u32,   // k-best entries per query in this block
  columns: u32, // candidates per query over all blocks
  offset: u32,  // this block's first candidate column
  start: u32,   // this block's first item
};

@group(0) @binding(0) var<storage, read> keys: array<u32>;
@group(0) @binding(1) var<storage, read> indices: array<u32>;
@group(0) @binding(2) var<storage, read_write> candidate_keys: array<u32>;
@group(0) @binding(3) var<storage, read_write> candidate_indices: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.queries * params.width;
}

fn run(flat: u32) {
  let query = flat / params.width;
  let to = query * params.columns + params.offset + flat - query * params.width;
  candidate_keys[to] = keys[flat];
  candidate_indices[to] = indices[flat] + params.start;
}
