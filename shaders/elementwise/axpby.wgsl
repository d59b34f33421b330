// Element-wise linear combination: out = alpha * a + beta * b (add, subtract, scale, blend).
// `elem` (f32 or f16) and the flat entry point (shaders/common/flat-main.wgsl) are prepended by
// the host; arithmetic is done in f32.

struct Params {
  count: u32,
  alpha: f32,
  beta: f32,
};

@group(0) @binding(0) var<storage, read> a: array<elem>;
@group(0) @binding(1) var<storage, read> b: array<elem>;
@group(0) @binding(2) var<storage, read_write> out: array<elem>;
@group(0) @binding(3) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.count;
}

fn run(i: u32) {
  out[i] = elem(params.alpha * f32(a[i]) + params.beta * f32(b[i]));
}
