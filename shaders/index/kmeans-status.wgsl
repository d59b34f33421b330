// The Lloyd iteration's bookkeeping on the GPU, so iterations run back to back without a
// round trip: counts the iteration, and sets CONVERGED once an iteration after the first moved
// at most `max_changed` points (the host reads the status every few iterations). Layout of the
// status words, shared with the kernels that read them (the host prepends the constants):
const ITERATION: u32 = 0u;
const CHANGED: u32 = 1u;
const CONVERGED: u32 = 2u;
// Reference: packages/index/src/kmeans.ts kmeansReference.
