// Squared L2 norm of every row of a [rows, features] matrix (the centroid norms of the k-means
// assignment's argmin). Reference: packages/index/src/gpu/kmeans-assign.ts squaredRowNorms.

struct Params {
  rows: u32,
  features: u32,
};

@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read_write> squaredNorms: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (r >= params.rows) {
    return;
  }
  var sum = 0.0;
  for (var f = 0u; f < params.features; f++) {
    let v = values[r * params.features + f];
    sum += v * v;
  }
  squaredNorms[r] = sum;
}
