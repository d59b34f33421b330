// Inclusive prefix sum across a 256-wide workgroup (Hillis-Steele), for the k-means++ seeding
// kernels; prepended by the host after shaders/nn/workgroup-reduce.wgsl (WORKGROUP_SIZE = 256).
// Every invocation of the workgroup must call it.

var<workgroup> scan_scratch: array<f32, 256>;

// The sum of `value` over lanes 0..=lane; `exclusive` receives the sum over lanes 0..lane-1.
fn scan_sum(value: f32, lane: u32, exclusive: ptr<function, f32>) -> f32 {
  scan_scratch[lane] = value;
  workgroupBarrier();
  for (var offset = 1u; offset < WORKGROUP_SIZE; offset *= 2u) {
    var sum = scan_scratch[lane];
    if (lane >= offset) {
      sum += scan_scratch[lane - offset];
    }
    workgroupBarrier();
    scan_scratch[lane] = sum;
    workgroupBarrier();
  }
  let inclusive = scan_scratch[lane];
  *exclusive = 0.0;
  if (lane > 0u) {
    *exclusive = scan_scratch[lane - 1u];
  }
  workgroupBarrier();
  return inclusive;
}
