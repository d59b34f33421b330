// k-means++ seeding, step 3 of 3 per centre: in the row block that holds the picked group, finds
// the point (the first whose running distance sum within the group passes the rest of the target,
// or the last non-zero one) unless the pick kernel decided it, records its row in chosen[step],
// and copies it into centres[step] with its squared norm (for the k-means assignment). Also
// places the first centre (chosen[0], set by the host, pick[0] = 2). One workgroup of 256 per
// row block; blocks that do not hold the point return at once.
// The host prepends the chunk type, shaders/nn/workgroup-reduce.wgsl,
// shaders/index/workgroup-scan.wgsl and the row entry point (shaders/common/row-main.wgsl).
// Reference: packages/index/src/kmeans.ts kmeansSeedRowsReference.

struct Params {
  rows: u32,         // points in this block
  chunks: u32,       // features, in chunks
  block_start: u32,  // sample row of this block's first point
  group_offset: u32, // partials index of this block's first group
  step: u32,
};

@group(0) @binding(0) var<storage, read> points: array<chunk>;
@group(0) @binding(1) var<storage, read> nearest: array<f32>;
@group(0) @binding(2) var<storage, read> pick: array<u32>;
@group(0) @binding(3) var<storage, read_write> chosen: array<u32>;
@group(0) @binding(4) var<storage, read_write> centres: array<chunk>;
@group(0) @binding(5) var<storage, read_write> centre_norms: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

var<workgroup> shared_pick: vec3u;
var<workgroup> found: atomic<u32>;        // 1 + local index of the point past the target
var<workgroup> last_nonzero: atomic<u32>; // 1 + local index of the group's last non-zero distance
var<workgroup> local_row: u32;

fn row_count() -> u32 {
  return 1u;
}

fn run_row(row: u32, lane: u32) {
  if (lane == 0u) {
    shared_pick = vec3u(pick[0], pick[1], pick[2]);
    atomicStore(&found, 0u);
    atomicStore(&last_nonzero, 0u);
  }
  let state = workgroupUniformLoad(&shared_pick);
  let mode = state.x;
  if (mode == 2u) {
    if (lane == 0u) {
      local_row = chosen[params.step] - params.block_start; // wraps past rows when outside the block
    }
  } else {
    let groups = (params.rows + WORKGROUP_SIZE - 1u) / WORKGROUP_SIZE;
    if (state.y < params.group_offset || state.y - params.group_offset >= groups) {
      return; // the group is in another block
    }
    let group = state.y - params.group_offset;
    let i = group * WORKGROUP_SIZE + lane;
    var value = 0.0;
    if (i < params.rows) {
      value = nearest[i];
    }
    var before = 0.0;
    let through = scan_sum(value, lane, &before);
    let rest = bitcast<f32>(state.z);
    if (value > 0.0) {
      atomicMax(&last_nonzero, i + 1u);
      if (mode == 0u && through > rest && before <= rest) {
        atomicMax(&found, i + 1u);
      }
    }
    workgroupBarrier();
    if (lane == 0u) {
      // Mode 1, or no point found in mode 0 (rounding): the last non-zero distance of the group.
      var point = atomicLoad(&found);
      if (point == 0u) {
        point = atomicLoad(&last_nonzero);
      }
      local_row = point - 1u;
      chosen[params.step] = params.block_start + local_row;
    }
  }
  let point = workgroupUniformLoad(&local_row);
  if (point >= params.rows) {
    return;
  }
  var squares = 0.0;
  for (var k = lane; k < params.chunks; k += WORKGROUP_SIZE) {
    let value = points[point * params.chunks + k];
    centres[params.step * params.chunks + k] = value;
    squares += chunk_dot(value, value);
  }
  let norm = reduce_sum(squares, lane);
  if (lane == 0u) {
    centre_norms[params.step] = norm;
  }
}
