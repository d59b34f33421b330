// k-means++ seeding, step 1 of 3 per centre: every point's squared distance to its nearest
// chosen centre, updated with the centre chosen last (nearest = min(nearest, |x - c|^2), or just
// |x - c|^2 after the first centre), and the sum of each group of 256 points (D^2 mass) in
// partials, which the pick kernel searches. One workgroup of 64 per group of 256 points of a row
// block, each invocation taking 4 consecutive points (each centre chunk it loads serves 4).
// The host prepends the chunk type (vec4f or f32, see packages/index/src/gpu/products.ts) and
// the row entry point (shaders/common/row-main.wgsl).
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

const WORKGROUP_SIZE: u32 = 64u;
const POINTS: u32 = 4u;       // per invocation
const GROUP: u32 = 256u;      // points per group sum: WORKGROUP_SIZE * POINTS

var<workgroup> sums: array<f32, WORKGROUP_SIZE>;

fn row_count() -> u32 {
  return (params.rows + GROUP - 1u) / GROUP;
}

fn run_row(group: u32, lane: u32) {
  let first = group * GROUP + lane * POINTS;
  let c = params.centre * params.chunks;
  var distance = vec4f(0.0);
  var bases: array<u32, POINTS>;
  for (var j = 0u; j < POINTS; j++) {
    // Past the last point, repeat it (its distance is not kept).
    bases[j] = min(first + j, params.rows - 1u) * params.chunks;
  }
  for (var k = 0u; k < params.chunks; k++) {
    let centre = centres[c + k];
    let d0 = points[bases[0] + k] - centre;
    let d1 = points[bases[1] + k] - centre;
    let d2 = points[bases[2] + k] - centre;
    let d3 = points[bases[3] + k] - centre;
    distance += vec4f(chunk_dot(d0, d0), chunk_dot(d1, d1), chunk_dot(d2, d2), chunk_dot(d3, d3));
  }
  var total = 0.0;
  for (var j = 0u; j < POINTS; j++) {
    let i = first + j;
    if (i < params.rows) {
      var value = distance[j];
      if (params.first == 0u) {
        value = min(nearest[i], value);
      }
      nearest[i] = value;
      total += value;
    }
  }
  sums[lane] = total;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      sums[lane] += sums[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    partials[params.partial_offset + group] = sums[0];
  }
}
