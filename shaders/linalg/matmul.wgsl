// Batched matrix product with a fused epilogue:
//   out[b] = act(alpha * op(a[b]) @ op(b[b]) + bias) + residual[b]
// bias broadcast over rows, act GELU / QuickGELU (shaders/nn/gelu-math.wgsl, included by the
// host) or none, residual [M, N] per batch; each part optional (flags).
// The classic shared-memory SGEMM: a workgroup of 16 x THREADS_Y invocations computes a
// TILE_M x TILE_N output tile, each invocation ROWS rows x VECS vec4 columns held in registers,
// stepping through K in slices of TILE_K = 16 staged in workgroup memory: the a slice transposed
// to [k][m], the b slice as [k][n], both as vec4 so one load feeds 4 FMAs. Variants (host-picked,
// packages/gpu/src/kernels/matmul.ts matmulTileFor): 128x128 (8 x 2 per invocation), 64x64 and
// 32x64 (4 x 1) for few rows or columns. `elem` (f32 or f16) is the storage type, prepended by
// the host; tiles and accumulators are f32, so f16 storage still accumulates in f32.
// Global loads are vec4 wherever the contiguous axis is a multiple of 4 (the ALIGNED_* flags),
// element by element otherwise. A batch stride of 0 broadcasts that operand over the batch.

struct Params {
  rows: u32,          // M
  inner: u32,         // K
  columns: u32,       // N
  batch_stride_a: u32,
  batch_stride_b: u32,
  alpha: f32,
  flags: u32,         // the bits below
};

@group(0) @binding(0) var<storage, read> a: array<vec4<elem>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<elem>>;
@group(0) @binding(2) var<storage, read> bias: array<vec4<elem>>;
@group(0) @binding(3) var<storage, read> residual: array<vec4<elem>>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4<elem>>;
@group(0) @binding(5) var<uniform> params: Params;

// Layout, alignment and bias are uniform flags, not override constants: one pipeline per tile
// variant serves every call (each compile costs seconds on software Vulkan). The branches are
// uniform and sit outside the FMA loop. (The unaligned output path stores single components of
// `out`: storage buffers take those as scalar stores on every backend.)
const TRANSPOSE_A: u32 = 1u;  // a stored [K, M]
const TRANSPOSE_B: u32 = 2u;  // b stored [N, K]
const HAS_BIAS: u32 = 4u;
const ALIGNED_A: u32 = 8u;    // a's contiguous axis (K, or M when transposed) is a multiple of 4
const ALIGNED_B: u32 = 16u;   // b's contiguous axis (N, or K when transposed) is a multiple of 4
const ALIGNED_OUT: u32 = 32u; // N is a multiple of 4
const GELU: u32 = 64u;        // exact (erf) GELU after the bias
const QUICK_GELU: u32 = 128u; // x * sigmoid(1.702 x) after the bias
const HAS_RESIDUAL: u32 = 256u;

override ROWS: u32 = 8u;       // output rows per invocation (a multiple of 4)
override VECS: u32 = 2u;       // vec4 output columns per invocation
override THREADS_Y: u32 = 16u; // invocations along M
const THREADS_X: u32 = 16u;    // invocations along N
const TILE_K: u32 = 16u;
override TILE_M: u32 = THREADS_Y * ROWS;
override TILE_N: u32 = THREADS_X * 4u * VECS;
override THREADS: u32 = THREADS_X * THREADS_Y;
const MAX_ACC: u32 = 16u;      // ROWS * VECS of the largest variant

// a's slice as [k][m / 4], then b's as [k][n / 4] from B_TILE on.
var<workgroup> tiles: array<vec4f, TILE_K * (TILE_M + TILE_N) / 4u>;
override B_TILE: u32 = TILE_K * TILE_M / 4u;

fn flag(bit: u32) -> bool {
  return (params.flags & bit) != 0u;
}

// Four consecutive values of a (of b when `from_b`; a literal at every call, so the branches
// fold) along its contiguous axis from flat index `i`; values at positions >= `valid` are zero.
fn load_quad(from_b: bool, i: u32, valid: u32) -> vec4f {
  if (valid >= 4u && flag(select(ALIGNED_A, ALIGNED_B, from_b))) {
    if (from_b) {
      return vec4f(b[i >> 2u]);
    }
    return vec4f(a[i >> 2u]);
  }
  var v = vec4f(0.0);
  for (var c = 0u; c < min(valid, 4u); c++) {
    let j = i + c;
    if (from_b) {
      v[c] = f32(b[j >> 2u][j & 3u]);
    } else {
      v[c] = f32(a[j >> 2u][j & 3u]);
    }
  }
  return v;
}

// How many of 4 positions starting at `start` lie below `end`.
fn remaining(start: u32, end: u32) -> u32 {
  return select(0u, end - start, start < end);
}

// Stages one operand's K slice [k0, k0 + 16) for outer indices [outer0, outer0 + extent) (rows
// of a, columns of b; `outer_size` of them in all) as tiles[first + k * extent / 4 + outer / 4].
// `along_k`: the operand is contiguous along K (a [M, K], b [N, K]): each invocation loads a
// 4 x 4 block and transposes it in registers; otherwise (a [K, M], b [K, N]) four consecutive
// outer indices of one k are one vec4 of the tile. Every store is a whole vec4: invocations
// never write parts of one shared vec4 (backends may lower a component store to a
// read-modify-write of the whole vector).
fn stage(from_b: bool, along_k: bool, lane: u32, base: u32, outer0: u32, outer_size: u32, extent: u32, k0: u32, first: u32) {
  let K = params.inner;
  let width = extent / 4u;
  if (along_k) {
    for (var q = lane; q < extent; q += THREADS) {
      let o = (q / 4u) * 4u;
      let k = (q % 4u) * 4u;
      var block: array<vec4f, 4>;
      for (var r = 0u; r < 4u; r++) {
        block[r] = vec4f(0.0);
        if (outer0 + o + r < outer_size) {
          block[r] = load_quad(from_b, base + (outer0 + o + r) * K + k0 + k, remaining(k0 + k, K));
        }
      }
      for (var c = 0u; c < 4u; c++) {
        tiles[first + (k + c) * width + o / 4u] = vec4f(block[0][c], block[1][c], block[2][c], block[3][c]);
      }
    }
  } else {
    for (var q = lane; q < 4u * extent; q += THREADS) {
      let k = q / width;
      let o = (q % width) * 4u;
      var v = vec4f(0.0);
      if (k0 + k < K) {
        v = load_quad(from_b, base + (k0 + k) * outer_size + outer0 + o, remaining(outer0 + o, outer_size));
      }
      tiles[first + k * width + o / 4u] = v;
    }
  }
}

// Grouped tile order (as Triton's matmul tutorial): bands of GROUP row tiles are swept column
// by column, so workgroups running together share a's row panels and b's column panels in L2.
const GROUP: u32 = 8u;

fn tile_position(tile: u32, row_tiles: u32, column_tiles: u32) -> vec2u {
  let per_band = GROUP * column_tiles;
  let first_row = (tile / per_band) * GROUP;
  let band_rows = min(row_tiles - first_row, GROUP);
  let in_band = tile % per_band;
  return vec2u(first_row + in_band % band_rows, in_band / band_rows);
}

@compute @workgroup_size(THREADS_X, THREADS_Y)
fn main(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_id) local: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  let M = params.rows;
  let N = params.columns;
  // Output tiles are folded into x and y (past 65535 tiles); z is the batch.
  let row_tiles = (M + TILE_M - 1u) / TILE_M;
  let column_tiles = (N + TILE_N - 1u) / TILE_N;
  let tile = group.x + group.y * groups.x;
  if (tile >= row_tiles * column_tiles) {
    return;
  }
  let position = tile_position(tile, row_tiles, column_tiles);
  let row0 = position.x * TILE_M;
  let col0 = position.y * TILE_N;
  let batch = group.z;
  let base_a = batch * params.batch_stride_a;
  let base_b = batch * params.batch_stride_b;

  // acc[r * VECS + v]: row row0 + ROWS * local.y + r, columns col0 + 4 * (local.x + 16 * v) + 0..3.
  var acc: array<vec4f, MAX_ACC>;
  for (var i = 0u; i < ROWS * VECS; i++) {
    acc[i] = vec4f(0.0);
  }

  for (var k0 = 0u; k0 < params.inner; k0 += TILE_K) {
    stage(false, !flag(TRANSPOSE_A), lane, base_a, row0, M, TILE_M, k0, 0u);
    stage(true, flag(TRANSPOSE_B), lane, base_b, col0, N, TILE_N, k0, B_TILE);
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      var bv: array<vec4f, 2>;
      for (var v = 0u; v < VECS; v++) {
        bv[v] = tiles[B_TILE + k * (TILE_N / 4u) + local.x + THREADS_X * v];
      }
      for (var r4 = 0u; r4 < ROWS / 4u; r4++) {
        let av = tiles[k * (TILE_M / 4u) + local.y * (ROWS / 4u) + r4];
        for (var c = 0u; c < 4u; c++) {
          for (var v = 0u; v < VECS; v++) {
            let i = (r4 * 4u + c) * VECS + v;
            acc[i] = fma(vec4f(av[c]), bv[v], acc[i]);
          }
        }
      }
    }
    workgroupBarrier();
  }

  let out_base = batch * M * N;
  for (var r = 0u; r < ROWS; r++) {
    let m = row0 + local.y * ROWS + r;
    if (m >= M) {
      break;
    }
    for (var v = 0u; v < VECS; v++) {
      let n = col0 + 4u * (local.x + THREADS_X * v);
      if (n >= N) {
        break;
      }
      let index = out_base + m * N + n;
      if (flag(ALIGNED_OUT)) {
        var value = params.alpha * acc[r * VECS + v];
        if (flag(HAS_BIAS)) {
          value += vec4f(bias[n >> 2u]);
        }
        value = vec4f(activate(value.x), activate(value.y), activate(value.z), activate(value.w));
        if (flag(HAS_RESIDUAL)) {
          value += vec4f(residual[index >> 2u]);
        }
        out[index >> 2u] = vec4<elem>(value);
      } else {
        for (var c = 0u; c < min(N - n, 4u); c++) {
          var value = params.alpha * acc[r * VECS + v][c];
          if (flag(HAS_BIAS)) {
            value += f32(bias[(n + c) >> 2u][(n + c) & 3u]);
          }
          value = activate(value);
          if (flag(HAS_RESIDUAL)) {
            value += f32(residual[(index + c) >> 2u][(index + c) & 3u]);
          }
          out[(index + c) >> 2u][(index + c) & 3u] = elem(value);
        }
      }
    }
  }
}

fn activate(value: f32) -> f32 {
  if (flag(GELU)) {
    return gelu_erf(value);
  }
  if (flag(QUICK_GELU)) {
    return quick_gelu(value);
  }
  return value;
}
