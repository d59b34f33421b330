// Prelude of kernels with one invocation per element, prepended by the host
// (packages/gpu/src/shader.ts) so the grid arithmetic and the bounds guard live in one place.
// The kernel defines `fn invocations() -> u32` (how many elements) and `fn run(i: u32)` (one
// element). Grids past 65535 workgroups are folded into x and y (packages/gpu/src/dispatch.ts
// linearWorkgroups); z is a second axis the kernel may read as `grid_z` (e.g. a batch).

override WORKGROUP_SIZE: u32 = 256u;

var<private> grid_z: u32;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  grid_z = gid.z;
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i < invocations()) {
    run(i);
  }
}
