// products[r][i] = queries[r] . items[i]: the matrix-vector form of the scoring GEMM, any batch
// size. The host prepends the load type: `alias chunk = vec4f;` with
// `fn chunk_dot(a, b) = dot(a, b)` when the feature count is a multiple of 4 (vec4 loads), or
// `alias chunk = f32;` with `a * b` otherwise; `chunks` is the feature count in those units.
// Each invocation takes ITEMS consecutive items and ROWS query rows and reads every item row
// once; each query chunk it loads serves ITEMS items. ROWS and ITEMS are pipeline constants, so
// the loops unroll and the ROWS * ITEMS accumulators stay in registers (a dynamically indexed
// private array spills on llvmpipe). Query rows [z * ROWS, z * ROWS + ROWS) go to workgroups
// with grid z, so larger batches read every item row once per group of ROWS query rows. The flat
// entry point (shaders/common/flat-main.wgsl) is prepended by the host: invocation i takes
// items [i * ITEMS, i * ITEMS + ITEMS).
// Reference: packages/index/src/matrix.ts multiply(queries, items^T).

struct Params {
  items: u32,
  chunks: u32,
  rows: u32,
};

@group(0) @binding(0) var<storage, read> queries: array<chunk>;
@group(0) @binding(1) var<storage, read> items: array<chunk>;
@group(0) @binding(2) var<storage, read_write> products: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// At most MAX_ROWS and MAX_ITEMS.
override ROWS: u32 = 2u;
override ITEMS: u32 = 2u;
const MAX_ROWS: u32 = 8u;
const MAX_ITEMS: u32 = 4u;

fn invocations() -> u32 {
  return (params.items + ITEMS - 1u) / ITEMS;
}

fn run(invocation: u32) {
  let first = invocation * ITEMS;
  let firstRow = grid_z * ROWS;
  var sums: array<array<f32, MAX_ROWS>, MAX_ITEMS>;
  var bases: array<u32, MAX_ITEMS>;
  for (var j = 0u; j < ITEMS; j++) {
    // Past the last item, repeat it (its sums are not written).
    bases[j] = min(first + j, params.items - 1u) * params.chunks;
  }
  for (var c = 0u; c < params.chunks; c++) {
    var x: array<chunk, MAX_ITEMS>;
    for (var j = 0u; j < ITEMS; j++) {
      x[j] = items[bases[j] + c];
    }
    for (var r = 0u; r < ROWS; r++) {
      // The last group may be partial: its extra rows repeat the last query row and are not written.
      let q = queries[min(firstRow + r, params.rows - 1u) * params.chunks + c];
      for (var j = 0u; j < ITEMS; j++) {
        sums[j][r] += chunk_dot(q, x[j]);
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
