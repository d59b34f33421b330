// k-means++ seeding, step 1 of 3 per centre: every point's squared distance to its nearest
// chosen centre, updated with the centre chosen last (nearest = min(nearest, |x - c|^2), or just
// |x - c|^2 after the first centre), and the sum of each group of 256 points (D^2 mass) in
// partials, which the pick kernel searches. One workgroup per group of 256 points of a row block.
// The host prepends the chunk type (vec4f or f32, see packages/index/src/gpu/products.ts),
// shaders/nn/workgroup-reduce.wgsl and the row entry point (shaders/common/row-main.wgsl).
// Reference: packages/index/src/kmeans.ts kmeansPlusPlusRows.

struct Params {
  rows: u32,           // points in this block
  chunks: u32,         // features, in chunks
  centre: u32,         // row of `centres` chosen last
  partial_offset: u32, // partials index of this block's first group
  first: u32,          // 1: the first centre (no previous distances)
};

@group(0) @binding(0) var<storage, read> points: array<chunk>;
@group(0) @binding(1) var<storage, read> centres: array<chunk>;
@group(0) @binding(2) var<storage, read_write> nearest: array<f32>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn row_count() -> u32 {
  return (params.rows + WORKGROUP_SIZE - 1u) / WORKGROUP_SIZE;
}

fn run_row(group: u32, lane: u32) {
  let i = group * WORKGROUP_SIZE + lane;
  var value = 0.0;
  if (i < params.rows) {
    let p = i * params.chunks;
    let c = params.centre * params.chunks;
    var distance = 0.0;
    for (var k = 0u; k < params.chunks; k++) {
      let d = points[p + k] - centres[c + k];
      distance += chunk_dot(d, d);
    }
    value = distance;
    if (params.first == 0u) {
      value = min(nearest[i], distance);
    }
    nearest[i] = value;
  }
  let sum = reduce_sum(value, lane);
  if (lane == 0u) {
    partials[params.partial_offset + group] = sum;
  }
}
