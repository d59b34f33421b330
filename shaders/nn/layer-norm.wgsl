// Layer normalisation over the last axis of x [rows, n], as torch.nn.LayerNorm: biased variance,
// out = (x - mean) / sqrt(var + eps) * gamma + beta. One workgroup per row; two passes (mean,
// then squared deviations) for accuracy. `elem` (f32 or f16) and workgroup-reduce.wgsl
// (reduce_sum, WORKGROUP_SIZE) and the row entry point (shaders/common/row-main.wgsl) are prepended
// by the host.

struct Params {
  rows: u32,
  columns: u32,
  eps: f32,
};

@group(0) @binding(0) var<storage, read> x: array<elem>;
@group(0) @binding(1) var<storage, read> gamma: array<elem>;
@group(0) @binding(2) var<storage, read> beta: array<elem>;
@group(0) @binding(3) var<storage, read_write> out: array<elem>;
@group(0) @binding(4) var<uniform> params: Params;

fn row_count() -> u32 {
  return params.rows;
}

fn run_row(row: u32, lane: u32) {
  let n = params.columns;
  let base = row * n;

  var local_sum = 0.0;
  for (var i = lane; i < n; i += WORKGROUP_SIZE) {
    local_sum += f32(x[base + i]);
  }
  let mean = reduce_sum(local_sum, lane) / f32(n);

  var local_squares = 0.0;
  for (var i = lane; i < n; i += WORKGROUP_SIZE) {
    let d = f32(x[base + i]) - mean;
    local_squares += d * d;
  }
  let inverse_std = inverseSqrt(reduce_sum(local_squares, lane) / f32(n) + params.eps);

  for (var i = lane; i < n; i += WORKGROUP_SIZE) {
    let normalised = (f32(x[base + i]) - mean) * inverse_std;
    out[base + i] = elem(normalised * f32(gamma[i]) + f32(beta[i]));
  }
}
