// Row-wise softmax of x [rows, n]: one workgroup per row, max-subtracted so exp never overflows.
// `elem` (f32 or f16) is the storage type; workgroup-reduce.wgsl (reduce_max, reduce_sum,
// WORKGROUP_SIZE) and the row entry point (shaders/common/row-main.wgsl) are prepended by the
// host; all arithmetic is f32.

struct Params {
  rows: u32,
  columns: u32,
};

@group(0) @binding(0) var<storage, read> x: array<elem>;
@group(0) @binding(1) var<storage, read_write> out: array<elem>;
@group(0) @binding(2) var<uniform> params: Params;

fn row_count() -> u32 {
  return params.rows;
}

fn run_row(row: u32, lane: u32) {
  let n = params.columns;
  let base = row * n;

  var local_max = -3.4028234663852886e38; // lowest finite f32
  for (var i = lane; i < n; i += WORKGROUP_SIZE) {
    local_max = max(local_max, f32(x[base + i]));
  }
  let row_max = reduce_max(local_max, lane);

  var local_sum = 0.0;
  for (var i = lane; i < n; i += WORKGROUP_SIZE) {
    local_sum += exp(f32(x[base + i]) - row_max);
  }
  let inverse_sum = 1.0 / reduce_sum(local_sum, lane);

  for (var i = lane; i < n; i += WORKGROUP_SIZE) {
    out[base + i] = elem(exp(f32(x[base + i]) - row_max) * inverse_sum);
  }
}
