// Multi-head attention from packed qkv[batch, tokens, 3 * heads * head_dim] (per token laid out
// [3][heads][head_dim]) into out[batch, tokens, heads * head_dim]:
//   softmax(q k^T * scale + B) v per head, B[q, k] = rel_h[k / grid_w, q] + rel_w[k % grid_w, q]
// when HAS_BIAS (SAM's decomposed rel-pos bias, fused: the tokens x tokens bias is never stored;
// rel_h [batch, heads, grid_h, tokens] and rel_w [batch, heads, grid_w, tokens] come from
// shaders/encoder/rel-pos-bias.wgsl, laid out so neighbouring queries read neighbouring values).
// Flash-style: a workgroup takes QUERY_TILE queries of one (batch, head), one query per
// invocation with q and the output accumulator in registers (HEAD_DIM is an override, so every
// loop over it has a constant trip count and unrolls); keys and values stream through workgroup
// memory KEY_TILE at a time, every invocation reading the same key (a broadcast), scored four at
// a time (four independent FMA chains); softmax is online (running max and sum, the accumulator
// rescaled once per key tile), all in f32.
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

// Four values of qkv from flat index `i`, those past head_dim (column group `c4` of a row) zero.
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
  // Bias rows of this (batch, head): rel_h[.., ky, query], rel_w[.., kx, query].
  let bias_h = (batch * params.heads + head) * params.grid_h * tokens + query;
  let bias_w = (batch * params.heads + head) * params.grid_w * tokens + query;
  var running_max = LOWEST;
  var total = 0.0;
  var key_y = 0u;
  var key_x = 0u;

  for (var key_start = 0u; key_start < tokens; key_start += KEY_TILE) {
    // Stage KEY_TILE keys and values, zeros past the last token.
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

    // Scores of the tile, four keys at a time, before any exp: the running sums are rescaled
    // once per tile. The key loops keep a run-time trip count (the last tile is partial):
    // compilers unroll the loops over head_dim inside them (q, acc stay in registers) but not
    // these, which keeps the kernel quick to compile.
    let count = min(KEY_TILE, tokens - key_start);
    let groups = (count + 3u) / 4u;
    var scores: array<vec4f, KEY_TILE / 4u>;
    var tile_max = LOWEST;
    for (var g = 0u; g < groups; g++) {
      let first = 4u * g * HEAD_VECS;
      var s = vec4f(0.0);
      for (var c = 0u; c < HEAD_VECS; c++) {
        s += vec4f(
          dot(q[c], key_tile[first + c]),
          dot(q[c], key_tile[first + HEAD_VECS + c]),
          dot(q[c], key_tile[first + 2u * HEAD_VECS + c]),
          dot(q[c], key_tile[first + 3u * HEAD_VECS + c]),
        );
      }
      for (var e = 0u; e < 4u; e++) {
        if (4u * g + e >= count) {
          s[e] = LOWEST;
        } else if (HAS_BIAS) {
          s[e] += f32(rel_h[bias_h + key_y * tokens]) + f32(rel_w[bias_w + key_x * tokens]);
          key_x += 1u;
          if (key_x == params.grid_w) {
            key_x = 0u;
            key_y += 1u;
          }
        }
      }
      scores[g] = s;
      tile_max = max(tile_max, max(max(s.x, s.y), max(s.z, s.w)));
    }
    let new_max = max(running_max, tile_max);
    let correction = exp(running_max - new_max);
    total *= correction;
    for (var c = 0u; c < HEAD_VECS; c++) {
      acc[c] *= correction;
    }
    for (var g = 0u; g < groups; g++) {
      let w = exp(scores[g] - vec4f(new_max));
      total += w.x + w.y + w.z + w.w;
      let first = 4u * g * HEAD_VECS;
      for (var c = 0u; c < HEAD_VECS; c++) {
        acc[c] += w.x * value_tile[first + c] + w.y * value_tile[first + HEAD_VECS + c] +
          w.z * value_tile[first + 2u * HEAD_VECS + c] + w.w * value_tile[first + 3u * HEAD_VECS + c];
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
