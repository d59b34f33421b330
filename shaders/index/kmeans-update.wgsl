// k-means update step without atomics or a host round trip: one workgroup per (cluster, tile of
// 64 feature chunks) scans the labels of a row block in order, four at a time, and sums the
// chunks of the points in its cluster (the label tests are uniform across the workgroup). Blocks
// after the first add to the sums and counts of the blocks before; the last block writes the
// means (an empty cluster keeps its centre). Skipped once status[CONVERGED] is set. The host
// prepends the chunk type, shaders/index/kmeans-status.wgsl's constants and the row entry point.
// Reference: packages/index/src/kmeans.ts updateCentroidsReference.

struct Params {
  rows: u32,     // points in this block
  chunks: u32,   // features, in chunks
  clusters: u32,
  tiles: u32,    // tiles of WORKGROUP_SIZE chunks
  first: u32,    // 1: the first block (no sums yet)
  last: u32,     // 1: the last block (write the means)
};

@group(0) @binding(0) var<storage, read> points: array<chunk>;
@group(0) @binding(1) var<storage, read> labels: array<vec4u>;      // [rows] u32, read 4 at a time (the buffer is padded)
@group(0) @binding(2) var<storage, read> status: array<u32>;
@group(0) @binding(3) var<storage, read_write> sums: array<chunk>;   // [clusters, chunks]
@group(0) @binding(4) var<storage, read_write> counts: array<u32>;   // [clusters, tiles]: each tile its own
@group(0) @binding(5) var<storage, read_write> centroids: array<chunk>;
@group(0) @binding(6) var<uniform> params: Params;

const WORKGROUP_SIZE: u32 = 64u;

fn row_count() -> u32 {
  return params.clusters * params.tiles;
}

fn run_row(group: u32, lane: u32) {
  if (status[CONVERGED] != 0u) {
    return;
  }
  let cluster = group / params.tiles;
  let k = (group - cluster * params.tiles) * WORKGROUP_SIZE + lane;
  let in_tile = k < params.chunks;
  let at = cluster * params.chunks + k;
  var sum = chunk(0.0);
  var count = 0u;
  if (params.first == 0u) {
    count = counts[group];
    if (in_tile) {
      sum = sums[at];
    }
  }
  for (var quad = 0u; quad * 4u < params.rows; quad++) {
    let four = labels[quad];
    for (var j = 0u; j < 4u; j++) {
      let i = quad * 4u + j;
      if (four[j] == cluster && i < params.rows) {
        count++;
        if (in_tile) {
          sum += points[i * params.chunks + k];
        }
      }
    }
  }
  if (params.last != 0u) {
    if (in_tile && count > 0u) {
      centroids[at] = sum / f32(count);
    }
    return;
  }
  if (in_tile) {
    sums[at] = sum;
  }
  if (lane == 0u) {
    counts[group] = count;
  }
}
