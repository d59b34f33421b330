// Rank keys of a batch of B queries against a block of items (larger is better) from one GEMM:
// products [2B, n] = [Q; L Q] @ X_block^T, so products[b][i] = q_b . x_i and products[B + b][i]
// = (L q_b) . x_i (energy mode; the other modes need only products [B, n] = Q @ X_block^T).
// The block holds items [itemOffset, itemOffset + n) of totalItems (large corpora are stored in
// several buffers). One invocation per (query, item) pair:
// keys[b * totalItems + itemOffset + i].
//   mode 0 cosine:      cos(q, x), 0 when either vector is zero
//   mode 1 lambdaAware: alpha * cos + (1 - alpha) * (1 - min(|lq - lx|, 1))
//   mode 2 energy:      -(wL |lq - lx| + wG |Gq - Gx| + wD * B(D)), B(d) = d / (1 + d),
//                       D = max(0, qLq - 2 (Lq).x + xLx)  (the energy identity, Le symmetric)
// Item and query statistics are vec4: (lambda, dispersion G, quadratic xT L x, norm).
// Reference: packages/index/src/search.ts scoreKeysReference.
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  items: u32,
  queries: u32,
  itemOffset: u32,
  totalItems: u32,
  mode: u32,
  alpha: f32,
  weightLambda: f32,
  weightDispersion: f32,
  weightDirichlet: f32,
};

@group(0) @binding(0) var<storage, read> products: array<f32>;
@group(0) @binding(1) var<storage, read> itemStats: array<vec4f>;
@group(0) @binding(2) var<storage, read> queryStats: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> keys: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn cosine(dot: f32, queryNorm: f32, itemNorm: f32) -> f32 {
  let scale = queryNorm * itemNorm;
  return select(0.0, dot / scale, scale > 0.0);
}

fn invocations() -> u32 {
  return params.items * params.queries;
}

fn run(flat: u32) {
  let b = flat / params.items;
  let i = flat - b * params.items;
  let dot = products[flat];
  let item = itemStats[params.itemOffset + i];
  let query = queryStats[b];
  var key = 0.0;
  if (params.mode == 0u) {
    key = cosine(dot, query.w, item.w);
  } else if (params.mode == 1u) {
    let closeness = 1.0 - min(abs(query.x - item.x), 1.0);
    key = params.alpha * cosine(dot, query.w, item.w) + (1.0 - params.alpha) * closeness;
  } else {
    let cross = products[(params.queries + b) * params.items + i];
    let dirichlet = max(0.0, query.z - 2.0 * cross + item.z);
    key = -(params.weightLambda * abs(query.x - item.x) + params.weightDispersion * abs(query.y - item.y)
      + params.weightDirichlet * (dirichlet / (1.0 + dirichlet)));
  }
  keys[b * params.totalItems + params.itemOffset + i] = key;
}
