// Multi-head attention from packed qkv[batch, tokens, 3 * heads * head_dim] (per token laid out
// [3][heads][head_dim]) into out[batch, tokens, heads * head_dim]:
//   softmax(q k^T * scale + B) v per head, B[q, k] = rel_h[q, k / grid_w] + rel_w[q, k % grid_w]
// when HAS_BIAS (SAM's decomposed rel-pos bias, fused: the tokens x tokens bias is never
// stored). Online softmax in f32, rescaled once per key tile; one thread per query, 64 queries
// per workgroup; key/value tiles of KEY_TILE tokens are staged in workgroup memory.
// head_dim <= MAX_HEAD_DIM.
// Dispatch: (ceil(tokens / 64), heads, batch).

struct Params {
  tokens: u32,
  heads: u32,
  head_dim: u32,
  grid_h: u32,
  grid_w: u32,
  scale: f32,
};

@group(0) @binding(0) var<storage, read> qkv: array<elem>;
@group(0) @binding(1) var<storage, read> rel_h: array<elem>;
@group(0) @binding(2) var<storage, read> rel_w: array<elem>;
@group(0) @binding(3) var<storage, read_write> out: array<elem>;
@group(0) @binding(4) var<uniform> params: Params;

override HAS_BIAS: bool = false;

const QUERY_TILE: u32 = 64u;
const KEY_TILE: u32 = 16u;
const MAX_HEAD_DIM: u32 = 64u;

var<workgroup> key_tile: array<f32, 1024>; // KEY_TILE * MAX_HEAD_DIM
var<workgroup> value_tile: array<f32, 1024>;

@compute @workgroup_size(QUERY_TILE)
fn main(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) group: vec3u) {
  let tokens = params.tokens;
  let head_dim = params.head_dim;
  let head = group.y;
  let batch = group.z;
  let query = group.x * QUERY_TILE + lane;
  let valid = query < tokens;
  let dim = params.heads * head_dim;
  let stride = 3u * dim;

  var q: array<f32, MAX_HEAD_DIM>;
  var acc: array<f32, MAX_HEAD_DIM>;
  if (valid) {
    let q_offset = (batch * tokens + query) * stride + head * head_dim;
    for (var c = 0u; c < head_dim; c++) {
      q[c] = f32(qkv[q_offset + c]) * params.scale;
      acc[c] = 0.0;
    }
  }
  let bias_row = (batch * params.heads + head) * tokens + query;
  var running_max = -3.0e38;
  var total = 0.0;

  for (var key_start = 0u; key_start < tokens; key_start += KEY_TILE) {
    for (var i = lane; i < KEY_TILE * head_dim; i += QUERY_TILE) {
      let key = key_start + i / head_dim;
      var k_value = 0.0;
      var v_value = 0.0;
      if (key < tokens) {
        let offset = (batch * tokens + key) * stride + head * head_dim + i % head_dim;
        k_value = f32(qkv[offset + dim]);
        v_value = f32(qkv[offset + 2u * dim]);
      }
      key_tile[i] = k_value;
      value_tile[i] = v_value;
    }
    workgroupBarrier();
    if (valid) {
      // Scores of the whole tile first, so the running sums are rescaled once per tile.
      let count = min(KEY_TILE, tokens - key_start);
      var scores: array<f32, KEY_TILE>;
      var tile_max = -3.0e38;
      for (var j = 0u; j < count; j++) {
        var score = 0.0;
        for (var c = 0u; c < head_dim; c++) {
          score += q[c] * key_tile[j * head_dim + c];
        }
        if (HAS_BIAS) {
          let key = key_start + j;
          score += f32(rel_h[bias_row * params.grid_h + key / params.grid_w]) + f32(rel_w[bias_row * params.grid_w + key % params.grid_w]);
        }
        scores[j] = score;
        tile_max = max(tile_max, score);
      }
      let new_max = max(running_max, tile_max);
      let correction = exp(running_max - new_max);
      total *= correction;
      for (var c = 0u; c < head_dim; c++) {
        acc[c] *= correction;
      }
      for (var j = 0u; j < count; j++) {
        let weight = exp(scores[j] - new_max);
        total += weight;
        for (var c = 0u; c < head_dim; c++) {
          acc[c] += weight * value_tile[j * head_dim + c];
        }
      }
      running_max = new_max;
    }
    workgroupBarrier();
  }
  if (valid) {
    let out_offset = (batch * tokens + query) * dim + head * head_dim;
    for (var c = 0u; c < head_dim; c++) {
      out[out_offset + c] = elem(acc[c] / total);
    }
  }
}
