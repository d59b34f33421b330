// Multi-head attention from packed qkv[batch, tokens, 3 * heads * head_dim] (per token laid out
// [3][heads][head_dim]) into out[batch, tokens, heads * head_dim]:
//   softmax(q k^T * scale + B) v per head, B[q, k] = rel_h[q, k / grid_w] + rel_w[q, k % grid_w]
// when HAS_BIAS (SAM's decomposed rel-pos bias, fused: the tokens x tokens bias is never
// stored; rel_h / rel_w come from shaders/encoder/rel-pos-bias.wgsl).
// Flash-style: a workgroup takes QUERY_TILE queries of one (batch, head), one query per
// invocation with q and the output accumulator in registers (HEAD_DIM is an override, so every
// loop over it has a constant trip count and unrolls); keys and values stream through workgroup
// memory KEY_TILE at a time, every invocation reading the same key (a broadcast); softmax is
// online (running max and sum, the accumulator rescaled once per key tile), all in f32.
// Dispatch: (ceil(tokens / QUERY_TILE), heads, batch).

struct Params {
  tokens: u32,
  heads: u32,
  grid_h: u32,
  grid_w: u32,
  scale: f32,
};

@group(0) @binding(0) var<storage, read> qkv: array<vec4<elem>>;
@group(0) @binding(1) var<storage, read> rel_h: array<elem>;
@group(0) @binding(2) var<storage, read> rel_w: array<elem>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4<elem>>;
@group(0) @binding(4) var<uniform> params: Params;

override HAS_BIAS: bool = false;
override HEAD_DIM: u32 = 64u;
override HEAD_VECS: u32 = (HEAD_DIM + 3u) / 4u;
// Whole vec4 loads and stores need head_dim (so every row offset) to be a multiple of 4.
override ALIGNED: bool = HEAD_DIM % 4u == 0u;

const QUERY_TILE: u32 = 64u;
const KEY_TILE: u32 = 32u;
const MAX_HEAD_VECS: u32 = 16u; // head_dim <= 64
const LOWEST: f32 = -3.0e38;    // below every score: exp(LOWEST - max) == 0

var<workgroup> key_tile: array<vec4f, KEY_TILE * HEAD_VECS>;
var<workgroup> value_tile: array<vec4f, KEY_TILE * HEAD_VECS>;

// Four values of qkv from flat index `i`, the ones past head_dim (column `c4` of a row) zero.
fn load4(i: u32, c4: u32) -> vec4f {
  if (ALIGNED) {
    return vec4f(qkv[i >> 2u]);
  }
  var v = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) {
    if (c4 * 4u + c < HEAD_DIM) {
      v[c] = f32(qkv[(i + c) >> 2u][(i + c) & 3u]);
    }
  }
  return v;
}

@compute @workgroup_size(QUERY_TILE)
fn main(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) group: vec3u) {
  let tokens = params.tokens;
  let head = group.y;
  let batch = group.z;
  let query = group.x * QUERY_TILE + lane;
  let valid = query < tokens;
  let dim = params.heads * HEAD_DIM;
  let stride = 3u * dim;
  let head_offset = head * HEAD_DIM;

  var q: array<vec4f, MAX_HEAD_VECS>;
  var acc: array<vec4f, MAX_HEAD_VECS>;
  let q_offset = (batch * tokens + min(query, tokens - 1u)) * stride + head_offset;
  for (var c = 0u; c < HEAD_VECS; c++) {
    q[c] = load4(q_offset + 4u * c, c) * params.scale;
    acc[c] = vec4f(0.0);
  }
  let bias_row = (batch * params.heads + head) * tokens + query;
  var running_max = LOWEST;
  var total = 0.0;

  for (var key_start = 0u; key_start < tokens; key_start += KEY_TILE) {
    // Stage up to KEY_TILE keys and values.
    for (var i = lane; i < KEY_TILE * HEAD_VECS; i += QUERY_TILE) {
      let key = key_start + i / HEAD_VECS;
      let c4 = i % HEAD_VECS;
      var k = vec4f(0.0);
      var v = vec4f(0.0);
      if (key < tokens) {
        let offset = (batch * tokens + key) * stride + head_offset + 4u * c4;
        k = load4(offset + dim, c4);
        v = load4(offset + 2u * dim, c4);
      }
      key_tile[i] = k;
      value_tile[i] = v;
    }
    workgroupBarrier();

    // Scores of the whole tile first, so the running sums are rescaled once per tile. The key
    // loops have a run-time trip count (the last tile is partial): compilers unroll the loops
    // over head_dim inside them (q, acc stay in registers) but not these.
    let count = min(KEY_TILE, tokens - key_start);
    var scores: array<f32, KEY_TILE>;
    var tile_max = LOWEST;
    var key_y = key_start / params.grid_w;
    var key_x = key_start % params.grid_w;
    for (var j = 0u; j < count; j++) {
      var score = 0.0;
      for (var c = 0u; c < HEAD_VECS; c++) {
        score += dot(q[c], key_tile[j * HEAD_VECS + c]);
      }
      if (HAS_BIAS && valid) {
        score += f32(rel_h[bias_row * params.grid_h + key_y]) + f32(rel_w[bias_row * params.grid_w + key_x]);
        key_x += 1u;
        if (key_x == params.grid_w) {
          key_x = 0u;
          key_y += 1u;
        }
      }
      scores[j] = score;
      tile_max = max(tile_max, score);
    }
    let new_max = max(running_max, tile_max);
    let correction = exp(running_max - new_max);
    total *= correction;
    for (var c = 0u; c < HEAD_VECS; c++) {
      acc[c] *= correction;
    }
    for (var j = 0u; j < count; j++) {
      let weight = exp(scores[j] - new_max);
      total += weight;
      for (var c = 0u; c < HEAD_VECS; c++) {
        acc[c] = fma(vec4f(weight), value_tile[j * HEAD_VECS + c], acc[c]);
      }
    }
    running_max = new_max;
    workgroupBarrier();
  }

  if (valid) {
    let out_offset = (batch * tokens + query) * dim + head_offset;
    for (var c = 0u; c < HEAD_VECS; c++) {
      let value = acc[c] / total;
      if (ALIGNED) {
        out[(out_offset >> 2u) + c] = vec4<elem>(value);
      } else {
        for (var e = 0u; e < 4u; e++) {
          let i = out_offset + 4u * c + e;
          if (4u * c + e < HEAD_DIM) {
            out[i >> 2u][i & 3u] = elem(value[e]);
          }
        }
      }
    }
  }
}
