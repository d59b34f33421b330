// One invocation after each assignment (see shaders/index/kmeans-status.wgsl, prepended by the
// host with the flat entry point): counts the iteration and tests convergence.

struct Params {
  max_changed: u32,
};

@group(0) @binding(0) var<storage, read_write> status: array<u32>;
@group(0) @binding(1) var<uniform> params: Params;

fn invocations() -> u32 {
  return 1u;
}

fn run(i: u32) {
  if (status[CONVERGED] != 0u) {
    return;
  }
  status[ITERATION] += 1u;
  if (status[ITERATION] >= 2u && status[CHANGED] <= params.max_changed) {
    status[CONVERGED] = 1u;
  }
  status[CHANGED] = 0u;
}
