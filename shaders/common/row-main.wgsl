// Prelude of kernels with one workgroup per row, prepended by the host
// (packages/gpu/src/shader.ts) so the grid arithmetic and the bounds guard live in one place.
// The kernel defines `fn row_count() -> u32` and `fn run_row(row: u32, lane: u32)`, and
// WORKGROUP_SIZE (itself or through an include). Rows past 65535 are folded into x and y
// (packages/gpu/src/dispatch.ts linearWorkgroups). `row` is uniform across the workgroup, so
// run_row may use barriers.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  let row = group.x + group.y * groups.x;
  if (row < row_count()) {
    run_row(row, lane);
  }
}
