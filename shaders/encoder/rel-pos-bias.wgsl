// Decomposed relative-position terms of SAM attention (reference: sam_vary_sdpa.py
// add_decomposed_rel_pos). For batch b, head h, query q at (qy, qx) of a grid_h x grid_w grid,
// with the unscaled q from qkv[b, q, 0, h, :]:
//   rel_h[b, h, ky, q] = q . table_h[qy - ky + grid_h - 1]
//   rel_w[b, h, kx, q] = q . table_w[qx - kx + grid_w - 1]
// Stored key-major (queries contiguous) so that shaders/encoder/attention.wgsl, one query per
// invocation, reads neighbouring values from neighbouring invocations.
// One invocation per (b, h, q): q is read once into registers (HEAD_DIM is an override, so the
// loops over it unroll) and dotted with grid_h + grid_w table rows (small: cache-resident).
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  heads: u32,
  grid_h: u32,
  grid_w: u32,
  rows: u32, // batch * heads * tokens
};

@group(0) @binding(0) var<storage, read> qkv: array<elem>;
@group(0) @binding(1) var<storage, read> table_h: array<elem>;
@group(0) @binding(2) var<storage, read> table_w: array<elem>;
@group(0) @binding(3) var<storage, read_write> rel_h: array<elem>;
@group(0) @binding(4) var<storage, read_write> rel_w: array<elem>;
@group(0) @binding(5) var<uniform> params: Params;

override HEAD_DIM: u32 = 64u;
const MAX_HEAD_DIM: u32 = 64u;

fn invocations() -> u32 {
  return params.rows;
}

fn run(i: u32) {
  let tokens = params.grid_h * params.grid_w;
  let query = i % tokens;
  let batch_head = i / tokens;
  let head = batch_head % params.heads;
  let batch = batch_head / params.heads;
  let dim = params.heads * HEAD_DIM;
  let q_offset = (batch * tokens + query) * 3u * dim + head * HEAD_DIM;
  var q: array<f32, MAX_HEAD_DIM>;
  for (var c = 0u; c < HEAD_DIM; c++) {
    q[c] = f32(qkv[q_offset + c]);
  }
  let qy = query / params.grid_w;
  let qx = query % params.grid_w;
  for (var ky = 0u; ky < params.grid_h; ky++) {
    let row = (qy + params.grid_h - 1u - ky) * HEAD_DIM;
    var sum = 0.0;
    for (var c = 0u; c < HEAD_DIM; c++) {
      sum = fma(q[c], f32(table_h[row + c]), sum);
    }
    rel_h[(batch_head * params.grid_h + ky) * tokens + query] = elem(sum);
  }
  for (var kx = 0u; kx < params.grid_w; kx++) {
    let row = (qx + params.grid_w - 1u - kx) * HEAD_DIM;
    var sum = 0.0;
    for (var c = 0u; c < HEAD_DIM; c++) {
      sum = fma(q[c], f32(table_w[row + c]), sum);
    }
    rel_w[(batch_head * params.grid_w + kx) * tokens + query] = elem(sum);
  }
}
