/**
 * Stages of at most this many multiply-adds (per pass over their data) run on the host: the TS
 * reference takes milliseconds there, less than the GPU path's launches and readbacks (on
 * SwiftShader the GPU k-means of the demo's 2,043 x 45 x 128 took 1.2 s, the TS reference 0.1 s;
 * its signature pass 0.17 s on the GPU, a few ms on the host).
 */
const HOST_MAX_WORK = 2 ** 25;

/** The one place that sends a stage to the host (small work) or to the GPU. */
export function runsOnHost(work: number, hostMaxWork = HOST_MAX_WORK): boolean {
  return work <= hostMaxWork;
}
