// products[r][i] = queries[r] . items[i] for any feature count (scalar loads): the
// matrix-vector form of the scoring GEMM, any batch size (query-products-vec4.wgsl is the
// vec4 form for features divisible by 4). Each invocation takes ITEMS consecutive items and ROWS
// query rows and reads every item row once; each query value it loads serves ITEMS items. ROWS
// and ITEMS are pipeline constants, so the loops unroll and the ROWS * ITEMS accumulators stay
// in registers (a dynamically indexed private array spills on llvmpipe). Query rows
// [z * ROWS, z * ROWS + ROWS) go to workgroups with group z, so larger batches read every item
// row once per group of ROWS query rows.
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
// At most MAX_ROWS and MAX_ITEMS.
override ROWS: u32 = 2u;
override ITEMS: u32 = 2u;
const MAX_ROWS: u32 = 8u;
const MAX_ITEMS: u32 = 4u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(workgroup_id) group: vec3u) {
  let first = (gid.x + gid.y * groups.x * WORKGROUP_SIZE) * ITEMS;
  if (first >= params.items) {
    return;
  }
  let firstRow = group.z * ROWS;
  var sums: array<array<f32, MAX_ROWS>, MAX_ITEMS>;
  var bases: array<u32, MAX_ITEMS>;
  for (var j = 0u; j < ITEMS; j++) {
    // Past the last item, repeat it (its sums are not written).
    bases[j] = min(first + j, params.items - 1u) * params.features;
  }
  for (var c = 0u; c < params.features; c++) {
    var x: array<f32, MAX_ITEMS>;
    for (var j = 0u; j < ITEMS; j++) {
      x[j] = items[bases[j] + c];
    }
    for (var r = 0u; r < ROWS; r++) {
      // The last group may be partial: its extra rows repeat the last query row and are not written.
      let q = queries[min(firstRow + r, params.rows - 1u) * params.features + c];
      for (var j = 0u; j < ITEMS; j++) {
        sums[j][r] += q * x[j];
      }
    }
  }
  for (var r = 0u; r < ROWS; r++) {
    for (var j = 0u; j < ITEMS; j++) {
      if (firstRow + r < params.rows && first + j < params.items) {
        products[(firstRow + r) * params.items + first + j] = sums[j][r];
      }
    }
  }
}
