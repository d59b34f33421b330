// k-means update step on the GPU. The host groups the point indices by label (a counting sort
// of the labels it reads back anyway to test convergence): members[offsets[c] .. offsets[c+1])
// are the points of cluster c. centroids[c][f] = mean of points[members][f]; an empty cluster
// keeps its previous centre. One invocation per (cluster, feature). The centroid norms for the
// next argmin come from squared-norms.wgsl.
// Reference: packages/index/src/kmeans.ts updateCentroids.
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  clusters: u32,
  features: u32,
};

@group(0) @binding(0) var<storage, read> points: array<f32>;
@group(0) @binding(1) var<storage, read> members: array<u32>;
@group(0) @binding(2) var<storage, read> offsets: array<u32>;
@group(0) @binding(3) var<storage, read> previous: array<f32>;
@group(0) @binding(4) var<storage, read_write> centroids: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.clusters * params.features;
}

fn run(flat: u32) {
  let c = flat / params.features;
  let f = flat - c * params.features;
  let first = offsets[c];
  let last = offsets[c + 1u];
  if (last == first) {
    centroids[flat] = previous[flat];
    return;
  }
  var sum = 0.0;
  for (var j = first; j < last; j++) {
    sum += points[members[j] * params.features + f];
  }
  centroids[flat] = sum / f32(last - first);
}
