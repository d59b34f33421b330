// Decomposed relative-position terms of SAM attention (reference: sam_vary_sdpa.py
// add_decomposed_rel_pos). For batch b, head h, query q at (qy, qx) of a grid_h x grid_w grid,
// with the unscaled q from qkv[b, q, 0, h, :]:
//   rel_h[b, h, q, ky] = q . table_h[qy - ky + grid_h - 1]
//   rel_w[b, h, q, kx] = q . table_w[qx - kx + grid_w - 1]
// One thread per output value (count = batch * heads * tokens * (grid_h + grid_w)).
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  heads: u32,
  head_dim: u32,
  grid_h: u32,
  grid_w: u32,
  count: u32,
};

@group(0) @binding(0) var<storage, read> qkv: array<elem>;
@group(0) @binding(1) var<storage, read> table_h: array<elem>;
@group(0) @binding(2) var<storage, read> table_w: array<elem>;
@group(0) @binding(3) var<storage, read_write> rel_h: array<elem>;
@group(0) @binding(4) var<storage, read_write> rel_w: array<elem>;
@group(0) @binding(5) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.count;
}

fn run(i: u32) {
  let span = params.grid_h + params.grid_w;
  let tokens = params.grid_h * params.grid_w;
  let j = i % span;
  let row = i / span; // (b * heads + h) * tokens + q
  let query = row % tokens;
  let batch_head = row / tokens;
  let head = batch_head % params.heads;
  let batch = batch_head / params.heads;
  let dim = params.heads * params.head_dim;
  let q_offset = (batch * tokens + query) * 3u * dim + head * params.head_dim;
  var sum = 0.0;
  if (j < params.grid_h) {
    let table_offset = (query / params.grid_w + params.grid_h - 1u - j) * params.head_dim;
    for (var c = 0u; c < params.head_dim; c++) {
      sum += f32(qkv[q_offset + c]) * f32(table_h[table_offset + c]);
    }
    rel_h[row * params.grid_h + j] = elem(sum);
  } else {
    let kx = j - params.grid_h;
    let table_offset = (query % params.grid_w + params.grid_w - 1u - kx) * params.head_dim;
    for (var c = 0u; c < params.head_dim; c++) {
      sum += f32(qkv[q_offset + c]) * f32(table_w[table_offset + c]);
    }
    rel_w[row * params.grid_w + kx] = elem(sum);
  }
}
