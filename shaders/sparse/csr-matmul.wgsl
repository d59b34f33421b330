// Sparse CSR matrix [rows, cols] times dense [cols, m]: out = alpha * (csr @ dense) + beta * addend.
// With alpha = -eta, beta = 1, addend = x this is one heat-diffusion step x - eta * L x.
// One invocation per output element (row, j); the row's nonzeros are walked in order, so the sum
// is deterministic. Storage and arithmetic are f32. The flat entry point
// (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  rows: u32,
  width: u32, // m, columns of dense and out
  alpha: f32,
  beta: f32,
};

@group(0) @binding(0) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(1) var<storage, read> col_index: array<u32>;
@group(0) @binding(2) var<storage, read> values: array<f32>;
@group(0) @binding(3) var<storage, read> dense: array<f32>;
@group(0) @binding(4) var<storage, read> addend: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

override HAS_ADDEND: bool = false;

fn invocations() -> u32 {
  return params.rows * params.width;
}

fn run(i: u32) {
  let row = i / params.width;
  let j = i % params.width;
  var sum = 0.0;
  let end = row_ptr[row + 1u];
  for (var p = row_ptr[row]; p < end; p++) {
    sum = fma(values[p], dense[col_index[p] * params.width + j], sum);
  }
  var result = params.alpha * sum;
  if (HAS_ADDEND) {
    result += params.beta * addend[i];
  }
  out[i] = result;
}
