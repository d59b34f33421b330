// Per-row energy statistics over a feature graph given as an undirected edge list:
// out[r] = (yT y, sum_e c_e, sum_e c_e^2) with c_e = w_e (y_a - y_b)^2, so sum c_e = yT L y for
// L = D - W. Rayleigh quotient, dispersion and lambda all follow from these three sums.
// Reference: packages/index/src/row-energies.ts rowEnergiesReference.
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  rows: u32,
  features: u32,
  edges: u32,
};

@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read> edgeSource: array<u32>;
@group(0) @binding(2) var<storage, read> edgeTarget: array<u32>;
@group(0) @binding(3) var<storage, read> edgeWeight: array<f32>;
@group(0) @binding(4) var<storage, read_write> sums: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.rows;
}

fn run(r: u32) {
  let base = r * params.features;
  var squaredNorm = 0.0;
  for (var f = 0u; f < params.features; f++) {
    let v = values[base + f];
    squaredNorm += v * v;
  }
  var energy = 0.0;
  var energySquares = 0.0;
  for (var e = 0u; e < params.edges; e++) {
    let d = values[base + edgeSource[e]] - values[base + edgeTarget[e]];
    let c = edgeWeight[e] * d * d;
    energy += c;
    energySquares += c * c;
  }
  sums[r * 3u] = squaredNorm;
  sums[r * 3u + 1u] = energy;
  sums[r * 3u + 2u] = energySquares;
}
