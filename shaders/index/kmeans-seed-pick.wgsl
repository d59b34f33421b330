// k-means++ seeding, step 2 of 3 per centre: D^2 sampling over the group sums. With the draw u
// of this step and the total mass T, the next centre is the first point whose running sum of
// distances exceeds u * T (the TS reference scans the points in order). This workgroup finds the
// group of 256 points holding that point and what is left of u * T at its start; the take kernel
// finishes inside the group. Fallbacks as in the reference: when rounding leaves u * T at or past
// T, the last point with a non-zero distance; when every distance is zero (all points sit on
// centres), the lowest row not chosen yet (decided here). One workgroup of 256.
// The host prepends shaders/nn/workgroup-reduce.wgsl, shaders/index/workgroup-scan.wgsl and the
// row entry point (shaders/common/row-main.wgsl).
// Reference: packages/index/src/kmeans.ts kmeansSeedRowsReference.

struct Params {
  groups: u32, // group sums in partials
  step: u32,   // the centre being chosen (>= 1)
};

// pick[0]: 0 = find the first running sum past pick[2] (f32 bits) in group pick[1];
//          1 = the last non-zero distance in group pick[1]; 2 = chosen[step] is decided.
@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read> draws: array<f32>;
@group(0) @binding(2) var<storage, read_write> chosen: array<u32>;
@group(0) @binding(3) var<storage, read_write> pick: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> last_positive: atomic<u32>; // 1 + the last group with a non-zero sum, 0 if none

fn row_count() -> u32 {
  return 1u;
}

fn run_row(row: u32, lane: u32) {
  // Each lane owns a contiguous range of groups; the lane sums are scanned across the workgroup.
  let per_lane = (params.groups + WORKGROUP_SIZE - 1u) / WORKGROUP_SIZE;
  let first = min(lane * per_lane, params.groups);
  let end = min(first + per_lane, params.groups);
  var lane_sum = 0.0;
  var lane_last = 0u;
  for (var g = first; g < end; g++) {
    lane_sum += partials[g];
    if (partials[g] > 0.0) {
      lane_last = g + 1u;
    }
  }
  if (lane == 0u) {
    atomicStore(&last_positive, 0u);
  }
  workgroupBarrier();
  atomicMax(&last_positive, lane_last);
  var before = 0.0;
  let through = scan_sum(lane_sum, lane, &before);
  let total = scan_scratch[WORKGROUP_SIZE - 1u];
  let goal = draws[params.step] * total;
  let fallback_group = atomicLoad(&last_positive);
  if (lane == 0u) {
    if (!(total > 0.0)) {
      // Every point coincides with a centre: the lowest row not chosen yet (at most step are).
      var row_index = 0u;
      loop {
        var used = false;
        for (var s = 0u; s < params.step; s++) {
          used = used || chosen[s] == row_index;
        }
        if (!used) {
          break;
        }
        row_index++;
      }
      chosen[params.step] = row_index;
      pick[0] = 2u;
    } else if (goal >= total) {
      pick[0] = 1u;
      pick[1] = fallback_group - 1u;
    }
  }
  // The one lane whose range holds the target walks its groups in the order it summed them.
  if (total > 0.0 && goal < total && through > goal && before <= goal) {
    var running = before;
    var found = false;
    for (var g = first; g < end; g++) {
      let next = running + partials[g];
      if (next > goal) {
        pick[0] = 0u;
        pick[1] = g;
        pick[2] = bitcast<u32>(goal - running);
        found = true;
        break;
      }
      running = next;
    }
    if (!found) {
      // Rounding between the scan and the walk: the last non-zero group of this range.
      pick[0] = 1u;
      pick[1] = lane_last - 1u;
    }
  }
}
