// products[r][i] = queries[r] . items[i] for a few query rows (r < MAX_ROWS): the small-batch
// form of the scoring GEMM. One invocation per item reads its row once and keeps one accumulator
// per query row, so a single query costs N * F multiply-adds instead of a padded 64-row tile.
// Reference: packages/index/src/matrix.ts multiply(queries, items^T).

struct Params {
  items: u32,
  features: u32,
  rows: u32,
};

@group(0) @binding(0) var<storage, read> queries: array<f32>;
@group(0) @binding(1) var<storage, read> items: array<f32>;
@group(0) @binding(2) var<storage, read_write> products: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 64u;
const MAX_ROWS: u32 = 32u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.items) {
    return;
  }
  var sums: array<f32, MAX_ROWS>;
  let base = i * params.features;
  for (var c = 0u; c < params.features; c++) {
    let x = items[base + c];
    for (var r = 0u; r < params.rows; r++) {
      sums[r] += queries[r * params.features + c] * x;
    }
  }
  for (var r = 0u; r < params.rows; r++) {
    products[r * params.items + i] = sums[r];
  }
}
