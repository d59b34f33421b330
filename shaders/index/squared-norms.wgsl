// Squared L2 norm of every row of a [rows, features] matrix (the centroid norms of the k-means
// assignment's argmin). Reference: packages/index/src/gpu/kmeans.ts squaredRowNormsReference.
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  rows: u32,
  features: u32,
};

@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read_write> squaredNorms: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.rows;
}

fn run(r: u32) {
  var sum = 0.0;
  for (var f = 0u; f < params.features; f++) {
    let v = values[r * params.features + f];
    sum += v * v;
  }
  squaredNorms[r] = sum;
}
