// Window partition of a channels-last grid x[H, W, C] into windows[count, window * window, C]
// (row-major windows, zero padding at the bottom/right), and the inverse that crops the
// padding (reference: sam_vary_sdpa.py window_partition / window_unpartition). UNPARTITION picks
// the direction; the inverse may add a residual grid (SAM's skip connection around windowed
// attention, fused). `elem` and the flat entry point (shaders/common/flat-main.wgsl) are
// prepended by the host: one invocation per output element (count = windows * window^2 * C for
// the partition, H * W * C for the inverse).

struct Params {
  height: u32,
  width: u32,
  channels: u32,
  window: u32,
  windows_per_row: u32,
  count: u32,
};

@group(0) @binding(0) var<storage, read> input: array<elem>;
@group(0) @binding(1) var<storage, read> residual: array<elem>;
@group(0) @binding(2) var<storage, read_write> output: array<elem>;
@group(0) @binding(3) var<uniform> params: Params;

override UNPARTITION: bool = false;
override HAS_RESIDUAL: bool = false;

fn invocations() -> u32 {
  return params.count;
}

fn run(i: u32) {
  if (UNPARTITION) {
    to_grid(i);
  } else {
    to_windows(i);
  }
}

// Padding reads as zero.
fn to_windows(i: u32) {
  let channel = i % params.channels;
  let token = i / params.channels;
  let area = params.window * params.window;
  let index = token / area;
  let inside = token % area;
  let y = (index / params.windows_per_row) * params.window + inside / params.window;
  let x = (index % params.windows_per_row) * params.window + inside % params.window;
  var value = elem(0.0);
  if (y < params.height && x < params.width) {
    value = input[(y * params.width + x) * params.channels + channel];
  }
  output[i] = value;
}

fn to_grid(i: u32) {
  let channel = i % params.channels;
  let position = i / params.channels;
  let y = position / params.width;
  let x = position % params.width;
  let index = (y / params.window) * params.windows_per_row + x / params.window;
  let inside = (y % params.window) * params.window + x % params.window;
  var value = input[((index * params.window * params.window) + inside) * params.channels + channel];
  if (HAS_RESIDUAL) {
    value = elem(f32(value) + f32(residual[i]));
  }
  output[i] = value;
}
