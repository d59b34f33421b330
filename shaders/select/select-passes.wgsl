// One pass of row-wise top-k selection. Each workgroup owns a chunk of one row and keeps the BEST
// best entries seen so far (BEST >= k, a power of two), sorted best-first, in workgroup memory.
// In rounds, every invocation compares its next PER_ROUND entries with the current k-th best in
// registers and appends only better ones to a queue (QUEUE slots after the kept entries); then the
// queue is merged in by rank. On unsorted data the queue is soon almost always empty, so most
// entries cost one load and one comparison. The workgroup writes its k best (key, index) pairs;
// the host runs passes over these candidates until one chunk per row remains.
//
// Keys, the order and the sentinel: shaders/select/order-key.wgsl (prepended by the host). NaN
// scores are counted in status[0] (status[1] = 0xffffffff - first flat NaN position) and read as
// sentinels; the host rejects them.

struct Params {
  rows: u32,
  length: u32,     // entries per row in the input
  k: u32,
  chunk_size: u32, // entries per workgroup
  chunks: u32,     // workgroups per row
  largest: u32,    // 1: largest first, 0: smallest first
};

@group(0) @binding(0) var<storage, read> input_keys: array<u32>;    // scores' f32 bits, or keys
@group(0) @binding(1) var<storage, read> input_indices: array<u32>; // candidates' positions
@group(0) @binding(2) var<storage, read_write> out_keys: array<u32>;
@group(0) @binding(3) var<storage, read_write> out_indices: array<u32>;
@group(0) @binding(4) var<storage, read_write> status: array<atomic<u32>>;
@group(0) @binding(5) var<uniform> params: Params;

override FROM_SCORES: bool = true; // input_keys holds raw f32 scores; indices are positions
override BEST: u32 = 256u;         // kept entries: power of two, 256..1024
override QUEUE: u32 = 256u;        // queue slots: power of two, 256..512
override SLOTS: u32 = 512u;        // BEST + QUEUE
const WORKGROUP_SIZE: u32 = 256u;
const PER_ROUND: u32 = 32u;        // entries each invocation examines per round
const FEW: u32 = 64u;              // up to this many queued entries are merged without sorting

// [0, BEST): kept entries, best first. [BEST, SLOTS): the queue. 12 KiB at most (BEST 1024, QUEUE 512).
var<workgroup> keys: array<u32, SLOTS>;
var<workgroup> indices: array<u32, SLOTS>;
var<workgroup> queued: atomic<u32>;  // entries queued this round
var<workgroup> pending: atomic<u32>; // invocations with entries left
var<workgroup> round_state: u32;     // bits 0-15: entries queued (<= QUEUE), bit 31: entries left

// The (key, index) of entry `position` of `row`; NaN scores are counted and read as sentinels.
fn read_entry(row: u32, position: u32) -> vec2u {
  let flat = row * params.length + position;
  if (FROM_SCORES) {
    let bits = input_keys[flat];
    if (is_nan_bits(bits)) {
      atomicAdd(&status[0], 1u);
      atomicMax(&status[1], 0xffffffffu - flat);
      return vec2u(0u, SENTINEL_INDEX);
    }
    return vec2u(order_key(bits, params.largest != 0u), position);
  }
  return vec2u(input_keys[flat], input_indices[flat]);
}

// Bitonic sort of the queue, best first (empty slots hold sentinels and sort last).
fn sort_queue(lane: u32) {
  for (var size = 2u; size <= QUEUE; size <<= 1u) {
    for (var stride = size >> 1u; stride > 0u; stride >>= 1u) {
      for (var t = lane; t < QUEUE / 2u; t += WORKGROUP_SIZE) {
        let low = BEST + 2u * t - (t & (stride - 1u));
        let high = low + stride;
        let high_wins = better(keys[high], indices[high], keys[low], indices[low]);
        if (high_wins == (((low - BEST) & size) == 0u)) {
          let key = keys[low];
          let index = indices[low];
          keys[low] = keys[high];
          indices[low] = indices[high];
          keys[high] = key;
          indices[high] = index;
        }
      }
      workgroupBarrier();
    }
  }
}

// How many of the first `count` queue entries beat (key, index): by binary search when the queue
// is sorted, else by counting.
fn queued_better(key: u32, index: u32, count: u32, sorted: bool) -> u32 {
  if (sorted) {
    var low = 0u;
    var high = count;
    while (low < high) {
      let middle = (low + high) / 2u;
      if (better(keys[BEST + middle], indices[BEST + middle], key, index)) {
        low = middle + 1u;
      } else {
        high = middle;
      }
    }
    return low;
  }
  var better_count = 0u;
  for (var q = 0u; q < count; q++) {
    if (better(keys[BEST + q], indices[BEST + q], key, index)) {
      better_count++;
    }
  }
  return better_count;
}

// Merges `count` queued entries into the kept ones by rank: a kept entry at i moves to i + (queued
// entries better than it); a queued entry goes to (kept entries better than it, by binary search)
// + (queued entries better than it). The order is total, so ranks are distinct; ranks past BEST
// are dropped. Sentinels rank after every real entry and only ever collide with each other.
fn merge_queue(count: u32, lane: u32) {
  let sorted = count > FEW;
  if (sorted) {
    sort_queue(lane);
  }
  var kept_keys: array<u32, 4>; // BEST <= 1024: at most 4 kept entries per invocation
  var kept_indices: array<u32, 4>;
  var kept_ranks: array<u32, 4>;
  for (var j = 0u; j < 4u; j++) {
    let i = lane + j * WORKGROUP_SIZE;
    kept_ranks[j] = BEST;
    if (i < BEST) {
      kept_keys[j] = keys[i];
      kept_indices[j] = indices[i];
      kept_ranks[j] = i + queued_better(kept_keys[j], kept_indices[j], count, sorted);
    }
  }
  var new_keys: array<u32, 2>; // QUEUE <= 512: at most 2 queued entries per invocation
  var new_indices: array<u32, 2>;
  var new_ranks: array<u32, 2>;
  for (var j = 0u; j < 2u; j++) {
    let q = lane + j * WORKGROUP_SIZE;
    new_ranks[j] = BEST;
    if (q < count) {
      let key = keys[BEST + q];
      let index = indices[BEST + q];
      var low = 0u;
      var high = BEST;
      while (low < high) {
        let middle = (low + high) / 2u;
        if (better(keys[middle], indices[middle], key, index)) {
          low = middle + 1u;
        } else {
          high = middle;
        }
      }
      new_keys[j] = key;
      new_indices[j] = index;
      // A sorted queue is in rank order already: q entries beat entry q.
      var among_queued = q;
      if (!sorted) {
        among_queued = queued_better(key, index, count, false);
      }
      new_ranks[j] = low + among_queued;
    }
  }
  workgroupBarrier();
  for (var j = 0u; j < 4u; j++) {
    if (kept_ranks[j] < BEST) {
      keys[kept_ranks[j]] = kept_keys[j];
      indices[kept_ranks[j]] = kept_indices[j];
    }
  }
  for (var j = 0u; j < 2u; j++) {
    if (new_ranks[j] < BEST) {
      keys[new_ranks[j]] = new_keys[j];
      indices[new_ranks[j]] = new_indices[j];
    }
  }
  workgroupBarrier();
}

// One workgroup per (row, chunk): the row entry point (shaders/common/row-main.wgsl) is prepended
// by the host and hands over the flat group index.
fn row_count() -> u32 {
  return params.rows * params.chunks;
}

fn run_row(group: u32, lane: u32) {
  let row = group / params.chunks;
  let start = (group % params.chunks) * params.chunk_size;
  let end = min(start + params.chunk_size, params.length);
  // Kept entries start as sentinels: worse than any real entry.
  for (var s = lane; s < BEST; s += WORKGROUP_SIZE) {
    keys[s] = 0u;
    indices[s] = SENTINEL_INDEX;
  }
  let last = params.k - 1u;
  // Invocation `lane` examines positions start + lane, start + lane + 256, ... in order.
  var cursor = start + lane;
  loop {
    if (lane == 0u) {
      atomicStore(&queued, 0u);
      atomicStore(&pending, 0u);
    }
    for (var s = lane; s < QUEUE; s += WORKGROUP_SIZE) {
      keys[BEST + s] = 0u;
      indices[BEST + s] = SENTINEL_INDEX;
    }
    workgroupBarrier();
    // Only entries better than the current k-th best can change the result. A full queue ends
    // the round early; the entry that found it full is read again next round.
    let threshold_key = keys[last];
    let threshold_index = indices[last];
    for (var budget = 0u; budget < PER_ROUND && cursor < end; budget++) {
      let entry = read_entry(row, cursor);
      if (better(entry.x, entry.y, threshold_key, threshold_index)) {
        let slot = atomicAdd(&queued, 1u);
        if (slot >= QUEUE) {
          break;
        }
        keys[BEST + slot] = entry.x;
        indices[BEST + slot] = entry.y;
      }
      cursor += WORKGROUP_SIZE;
    }
    if (cursor < end) {
      atomicAdd(&pending, 1u);
    }
    workgroupBarrier();
    if (lane == 0u) {
      round_state = min(atomicLoad(&queued), QUEUE) | (min(atomicLoad(&pending), 1u) << 31u);
    }
    let state = workgroupUniformLoad(&round_state);
    let count = state & 0xffffu;
    if (count > 0u) {
      merge_queue(count, lane);
    }
    if ((state >> 31u) == 0u) {
      break;
    }
  }
  for (var i = lane; i < params.k; i += WORKGROUP_SIZE) {
    out_keys[group * params.k + i] = keys[i];
    out_indices[group * params.k + i] = indices[i];
  }
}
