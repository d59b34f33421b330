// Projector sum and global-view token layout (reference: deepseek_ocr.py: projector(concat(
// clip[1:], sam)) then a newline after each row and the view separator at the end).
// The projector Linear on the concatenation equals clip_part @ W_clip^T + sam_part @ W_sam^T
// + bias; the two products arrive separately: clip_projected [grid^2 + 1, dim] (row 0, the
// class token, is skipped) and sam_projected [grid^2, dim].
// out[grid * (grid + 1) + 1, dim].
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  grid: u32,
  dim: u32,
  count: u32,
};

@group(0) @binding(0) var<storage, read> clip_projected: array<elem>;
@group(0) @binding(1) var<storage, read> sam_projected: array<elem>;
@group(0) @binding(2) var<storage, read> bias: array<elem>;
@group(0) @binding(3) var<storage, read> newline: array<elem>;
@group(0) @binding(4) var<storage, read> separator: array<elem>;
@group(0) @binding(5) var<storage, read_write> out: array<elem>;
@group(0) @binding(6) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.count;
}

fn run(i: u32) {
  let channel = i % params.dim;
  let token = i / params.dim;
  let row_length = params.grid + 1u;
  if (token == params.grid * row_length) {
    out[i] = separator[channel];
    return;
  }
  let column = token % row_length;
  if (column == params.grid) {
    out[i] = newline[channel];
    return;
  }
  let position = (token / row_length) * params.grid + column;
  let value = f32(clip_projected[(position + 1u) * params.dim + channel]) + f32(sam_projected[position * params.dim + channel]) + f32(bias[channel]);
  out[i] = elem(value);
}
