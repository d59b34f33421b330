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
  flags: u32,         // bit 0: a stored [K, M]; bit 1: b stored [N, K]; bit 2: add bias
};

@group(0) @binding(0) var<storage, read> a: array<elem>;
@group(0) @binding(1) var<storage, read> b: array<elem>;
@group(0) @binding(2) var<storage, read> bias: array<elem>;
@group(0) @binding(3) var<storage, read_write> out: array<elem>;
@group(0) @binding(4) var<uniform> params: Params;

// Layout and bias are uniform flags, not override constants: one pipeline per storage type serves
// every call (each compile costs seconds on software Vulkan); the branches are uniform.
const TRANSPOSE_A: u32 = 1u;
const TRANSPOSE_B: u32 = 2u;
const HAS_BIAS: u32 = 4u;

const TILE: u32 = 64u;       // output tile edge
const SLICE: u32 = 16u;      // K step
const THREAD_TILE: u32 = 4u; // outputs per invocation along each axis

// Stored as [k][m / 4] and [k][n / 4] vec4s: each invocation's 4 rows (columns) are one load.
var<workgroup> tile_a: array<vec4f, 256>; // SLICE * TILE / 4
var<workgroup> tile_b: array<vec4f, 256>; // SLICE * TILE / 4

fn load_a(base: u32, m: u32, k: u32) -> f32 {
  if (m >= params.rows || k >= params.inner) {
    return 0.0;
  }
  if ((params.flags & TRANSPOSE_A) != 0u) {
    return f32(a[base + k * params.rows + m]);
  }
  return f32(a[base + m * params.inner + k]);
}

fn load_b(base: u32, k: u32, n: u32) -> f32 {
  if (k >= params.inner || n >= params.columns) {
    return 0.0;
  }
  if ((params.flags & TRANSPOSE_B) != 0u) {
    return f32(b[base + n * params.inner + k]);
  }
  return f32(b[base + k * params.columns + n]);
}

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_id) local: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  // Output tiles are numbered row-major and folded into x and y (past 65535 tiles); z is the batch.
  let column_tiles = (params.columns + TILE - 1u) / TILE;
  let tile_index = group.x + group.y * groups.x;
  if (tile_index >= column_tiles * ((params.rows + TILE - 1u) / TILE)) {
    return;
  }
  let batch = group.z;
  let row0 = (tile_index / column_tiles) * TILE;
  let col0 = (tile_index % column_tiles) * TILE;
  let base_a = batch * params.batch_stride_a;
  let base_b = batch * params.batch_stride_b;

  // acc[i][j]: output (row0 + 4 * local.y + i, col0 + 4 * local.x + j)
  var acc: array<vec4f, 4>;
  for (var i = 0u; i < THREAD_TILE; i++) {
    acc[i] = vec4f(0.0);
  }

  // Loading: invocation `lane` fills slot (k = lane / 16, quad = lane % 16) of both tiles.
  let load_k = lane / 16u;
  let load_quad = (lane % 16u) * 4u;
  let slices = (params.inner + SLICE - 1u) / SLICE;
  for (var s = 0u; s < slices; s++) {
    let k = s * SLICE + load_k;
    tile_a[lane] = vec4f(
      load_a(base_a, row0 + load_quad, k),
      load_a(base_a, row0 + load_quad + 1u, k),
      load_a(base_a, row0 + load_quad + 2u, k),
      load_a(base_a, row0 + load_quad + 3u, k),
    );
    tile_b[lane] = vec4f(
      load_b(base_b, k, col0 + load_quad),
      load_b(base_b, k, col0 + load_quad + 1u),
      load_b(base_b, k, col0 + load_quad + 2u),
      load_b(base_b, k, col0 + load_quad + 3u),
    );
    workgroupBarrier();
    for (var kk = 0u; kk < SLICE; kk++) {
      let av = tile_a[kk * 16u + local.y];
      let bv = tile_b[kk * 16u + local.x];
      acc[0] = fma(vec4f(av.x), bv, acc[0]);
      acc[1] = fma(vec4f(av.y), bv, acc[1]);
      acc[2] = fma(vec4f(av.z), bv, acc[2]);
      acc[3] = fma(vec4f(av.w), bv, acc[3]);
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
      if ((params.flags & HAS_BIAS) != 0u) {
        value += f32(bias[n]);
      }
      out[out_base + m * params.columns + n] = elem(value);
    }
  }
}
