// Top-k of every row of a [rows, n] key matrix: larger key first, ties to the lower index.
// One workgroup per row; k rounds, each a strided scan plus a tree reduction that finds the best
// key strictly after the previous winner in the total order (key descending, index ascending),
// so nothing is written back to the keys. Reference: packages/index/src/search.ts topKReference.

struct Params {
  n: u32,
  k: u32,
};

@group(0) @binding(0) var<storage, read> keys: array<f32>;
@group(0) @binding(1) var<storage, read_write> outIndices: array<u32>;
@group(0) @binding(2) var<storage, read_write> outKeys: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 256u;
const NONE: u32 = 0xffffffffu;

var<workgroup> bestKeys: array<f32, WORKGROUP_SIZE>;
var<workgroup> bestIndices: array<u32, WORKGROUP_SIZE>;

// Is (a, ai) before (b, bi) in the order? An empty slot (NONE) is after everything.
fn before(a: f32, ai: u32, b: f32, bi: u32) -> bool {
  if (ai == NONE) {
    return false;
  }
  if (bi == NONE) {
    return true;
  }
  return a > b || (a == b && ai < bi);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = group.x;
  let base = row * params.n;
  var lastKey = 0.0;
  var lastIndex = NONE;
  for (var j = 0u; j < params.k; j++) {
    var key = 0.0;
    var index = NONE;
    for (var i = lane; i < params.n; i += WORKGROUP_SIZE) {
      let candidate = keys[base + i];
      let eligible = lastIndex == NONE || before(lastKey, lastIndex, candidate, i);
      if (eligible && before(candidate, i, key, index)) {
        key = candidate;
        index = i;
      }
    }
    bestKeys[lane] = key;
    bestIndices[lane] = index;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
      if (lane < stride && before(bestKeys[lane + stride], bestIndices[lane + stride], bestKeys[lane], bestIndices[lane])) {
        bestKeys[lane] = bestKeys[lane + stride];
        bestIndices[lane] = bestIndices[lane + stride];
      }
      workgroupBarrier();
    }
    lastKey = bestKeys[0];
    lastIndex = bestIndices[0];
    if (lane == 0u) {
      outIndices[row * params.k + j] = lastIndex;
      outKeys[row * params.k + j] = lastKey;
    }
    workgroupBarrier();
  }
}
