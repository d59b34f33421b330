// out [columns, rows] = in [rows, columns]^T. The lexical scores come out of the CSR product as
// [items, queries]; the top-k reads [queries, items]. One invocation per element; the flat entry
// point (shaders/common/flat-main.wgsl) is prepended by the host.
// Reference: packages/index/src/lexical/bm25.ts transposeReference.

struct Params {
  rows: u32,
  columns: u32,
};

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.rows * params.columns;
}

fn run(i: u32) {
  let r = i / params.columns;
  let c = i - r * params.columns;
  output[c * params.rows + r] = input[i];
}
