// GELU activations, element-wise: QUICK = false the exact erf form, QUICK = true CLIP's
// QuickGELU (both in shaders/nn/gelu-math.wgsl, included by the host). `elem` (f32 or f16) and
// the flat entry point (shaders/common/flat-main.wgsl) are prepended by the host; arithmetic is f32.

struct Params {
  count: u32,
};

@group(0) @binding(0) var<storage, read> x: array<elem>;
@group(0) @binding(1) var<storage, read_write> out: array<elem>;
@group(0) @binding(2) var<uniform> params: Params;

override QUICK: bool = false;

fn invocations() -> u32 {
  return params.count;
}

fn run(i: u32) {
  let v = f32(x[i]);
  if (QUICK) {
    out[i] = elem(quick_gelu(v));
  } else {
    out[i] = elem(gelu_erf(v));
  }
}
