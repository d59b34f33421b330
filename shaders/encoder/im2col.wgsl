// im2col for convolutions: columns[outH * outW, channels * kernel * kernel], each row ordered
// (channel, ky, kx) like a Conv2d weight [out, channels, kernel, kernel] flattened, so the
// convolution is columns @ weight^T (a matmul). Zero padding `pad` on every side.
// CHANNELS_LAST picks the input layout: [H, W, C] (true) or [C, H, W] (false, image pixels).
// Used for SAM's patch embedding (kernel 16, stride 16) and its 3x3 convs (neck.2, net_2, net_3).
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  channels: u32,
  in_height: u32,
  in_width: u32,
  kernel: u32,
  stride: u32,
  pad: u32,
  out_width: u32,
  count: u32,
};

@group(0) @binding(0) var<storage, read> x: array<elem>;
@group(0) @binding(1) var<storage, read_write> columns: array<elem>;
@group(0) @binding(2) var<uniform> params: Params;

override CHANNELS_LAST: bool = false;

fn invocations() -> u32 {
  return params.count;
}

fn run(i: u32) {
  let taps = params.kernel * params.kernel;
  let width = params.channels * taps;
  let row = i / width;
  let column = i % width;
  let channel = column / taps;
  let ky = (column % taps) / params.kernel;
  let kx = column % params.kernel;
  let oy = row / params.out_width;
  let ox = row % params.out_width;
  let iy = i32(oy * params.stride + ky) - i32(params.pad);
  let ix = i32(ox * params.stride + kx) - i32(params.pad);
  var value = elem(0.0);
  if (iy >= 0 && ix >= 0 && u32(iy) < params.in_height && u32(ix) < params.in_width) {
    if (CHANNELS_LAST) {
      value = x[(u32(iy) * params.in_width + u32(ix)) * params.channels + channel];
    } else {
      value = x[(channel * params.in_height + u32(iy)) * params.in_width + u32(ix)];
    }
  }
  columns[i] = value;
}
