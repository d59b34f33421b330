// k-means assignment from the products of the centroids with a block of points:
// products[c][i] = c_c . x_i, so ||x_i - c_c||^2 = ||x_i||^2 - 2 products[c][i] + ||c_c||^2 and
// the argmin over c needs only ||c_c||^2 - 2 products[c][i]. Ties go to the lower centroid
// index. Points whose label changes are counted in status[CHANGED] (the convergence test); once
// status[CONVERGED] is set the Lloyd iterations still queued do nothing.
// Reference: packages/index/src/kmeans.ts assignNearestReference (direct squared distances).
// The flat entry point (shaders/common/flat-main.wgsl) and shaders/index/kmeans-status.wgsl's
// constants are prepended by the host.

struct Params {
  points: u32,
  clusters: u32,
};

@group(0) @binding(0) var<storage, read> products: array<f32>;
@group(0) @binding(1) var<storage, read> centroidSquaredNorms: array<f32>;
@group(0) @binding(2) var<storage, read_write> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> status: array<atomic<u32>>;
@group(0) @binding(4) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.points;
}

fn run(i: u32) {
  if (atomicLoad(&status[CONVERGED]) != 0u) {
    return;
  }
  var best = 3.4028234e38;
  var bestIndex = 0u;
  for (var c = 0u; c < params.clusters; c++) {
    let distance = centroidSquaredNorms[c] - 2.0 * products[c * params.points + i];
    if (distance < best) {
      best = distance;
      bestIndex = c;
    }
  }
  if (labels[i] != bestIndex) {
    labels[i] = bestIndex;
    atomicAdd(&status[CHANGED], 1u);
  }
}
