// k-means assignment from the distance GEMM: products[i][c] = x_i . c_c, so
// ||x_i - c_c||^2 = ||x_i||^2 - 2 products[i][c] + ||c_c||^2 and the argmin over c needs only
// ||c_c||^2 - 2 products[i][c]. Ties go to the lower centroid index.
// Reference: packages/index/src/kmeans.ts assignNearestSync (direct squared distances).
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  points: u32,
  clusters: u32,
};

@group(0) @binding(0) var<storage, read> products: array<f32>;
@group(0) @binding(1) var<storage, read> centroidSquaredNorms: array<f32>;
@group(0) @binding(2) var<storage, read_write> labels: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.points;
}

fn run(i: u32) {
  let base = i * params.clusters;
  var best = 3.4028234e38;
  var bestIndex = 0u;
  for (var c = 0u; c < params.clusters; c++) {
    let distance = centroidSquaredNorms[c] - 2.0 * products[base + c];
    if (distance < best) {
      best = distance;
      bestIndex = c;
    }
  }
  labels[i] = bestIndex;
}
