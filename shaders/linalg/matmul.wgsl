// Batched matrix product: out[b] = alpha * op(a[b]) @ op(b[b]) (+ bias broadcast over rows).
// Tiled in workgroup memory: a 16x16 workgroup computes a 64x64 output tile, each invocation a
// 4x4 block, stepping through K in slices of 16. `elem` (f32 or f16) is the storage type, prepended
// by the host; tiles and accumulators are f32 so f16 storage still accumulates in f32.
// A batch stride of 0 broadcasts that operand over the batch (a 2-D b with a 3-D a).

struct Params {
  rows: u32,          // M
  inner: u32,         // K
  columns: u32,       // N
  batch_stride_a: u32,
  batch_stride_b: u32,
  alpha: f32,
};

@group(0) @binding(0) var<storage, read> a: array<elem>;
@group(0) @binding(1) var<storage, read> b: array<elem>;
@group(0) @binding(2) var<storage, read> bias: array<elem>;
@group(0) @binding(3) var<storage, read_write> out: array<elem>;
@group(0) @binding(4) var<uniform> params: Params;

override TRANSPOSE_A: bool = false; // a stored [K, M] instead of [M, K]
override TRANSPOSE_B: bool = false; // b stored [N, K] instead of [K, N]
override HAS_BIAS: bool = false;

const TILE: u32 = 64u;       // output tile edge
const SLICE: u32 = 16u;      // K step
const THREAD_TILE: u32 = 4u; // outputs per invocation along each axis

// Stored as [k][m] and [k][n] so the inner loop reads contiguous rows.
var<workgroup> tile_a: array<f32, 1024>; // SLICE * TILE
var<workgroup> tile_b: array<f32, 1024>; // SLICE * TILE

fn load_a(base: u32, m: u32, k: u32) -> f32 {
  if (m >= params.rows || k >= params.inner) {
    return 0.0;
  }
  if (TRANSPOSE_A) {
    return f32(a[base + k * params.rows + m]);
  }
  return f32(a[base + m * params.inner + k]);
}

fn load_b(base: u32, k: u32, n: u32) -> f32 {
  if (k >= params.inner || n >= params.columns) {
    return 0.0;
  }
  if (TRANSPOSE_B) {
    return f32(b[base + n * params.inner + k]);
  }
  return f32(b[base + k * params.columns + n]);
}

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) group: vec3u,
  @builtin(local_invocation_id) local: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  let batch = group.z;
  let row0 = group.y * TILE;
  let col0 = group.x * TILE;
  let base_a = batch * params.batch_stride_a;
  let base_b = batch * params.batch_stride_b;

  var acc: array<array<f32, 4>, 4>;
  for (var i = 0u; i < THREAD_TILE; i++) {
    for (var j = 0u; j < THREAD_TILE; j++) {
      acc[i][j] = 0.0;
    }
  }

  let slices = (params.inner + SLICE - 1u) / SLICE;
  for (var s = 0u; s < slices; s++) {
    let k0 = s * SLICE;
    // 256 invocations load 1024 values of each tile: 4 each.
    for (var l = 0u; l < 4u; l++) {
      let flat = lane + l * 256u;
      let k = flat / TILE;
      let x = flat % TILE;
      tile_a[flat] = load_a(base_a, row0 + x, k0 + k);
      tile_b[flat] = load_b(base_b, k0 + k, col0 + x);
    }
    workgroupBarrier();
    for (var k = 0u; k < SLICE; k++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < THREAD_TILE; i++) {
        av[i] = tile_a[k * TILE + local.y * THREAD_TILE + i];
        bv[i] = tile_b[k * TILE + local.x * THREAD_TILE + i];
      }
      for (var i = 0u; i < THREAD_TILE; i++) {
        for (var j = 0u; j < THREAD_TILE; j++) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }

  let out_base = batch * params.rows * params.columns;
  for (var i = 0u; i < THREAD_TILE; i++) {
    let m = row0 + local.y * THREAD_TILE + i;
    if (m >= params.rows) {
      continue;
    }
    for (var j = 0u; j < THREAD_TILE; j++) {
      let n = col0 + local.x * THREAD_TILE + j;
      if (n >= params.columns) {
        continue;
      }
      var value = params.alpha * acc[i][j];
      if (HAS_BIAS) {
        value += f32(bias[n]);
      }
      out[out_base + m * params.columns + n] = elem(value);
    }
  }
}
