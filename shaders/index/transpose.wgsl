// out [columns, rows] = in [rows, columns]^T. The lexical scores come out of the CSR product as
// [items, queries]; the top-k reads [queries, items]. One invocation per element.
// Reference: packages/index/src/lexical/bm25.ts transposeReference.

struct Params {
  rows: u32,
  columns: u32,
};

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.rows * params.columns) {
    return;
  }
  let r = i / params.columns;
  let c = i - r * params.columns;
  output[c * params.rows + r] = input[i];
}
