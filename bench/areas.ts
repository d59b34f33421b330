/**
 * The benchmark areas of `pnpm bench [area...]`, one module each. Listed here rather than found
 * by reading bench/ at run time so that the runner also works as one bundled file (the GPU-host
 * bundle of scripts/bench-bundle/); test/bench-bundle.test.ts checks that every
 * bench/*.bench.ts file is listed.
 */
import type { BenchModule } from './harness';

export const BENCH_AREAS: Record<string, () => Promise<{ default: BenchModule }>> = {
  encoder: () => import('./encoder.bench'),
  fallback: () => import('./fallback.bench'),
  gpu: () => import('./gpu.bench'),
  index: () => import('./index.bench'),
  optical: () => import('./optical.bench'),
  torch: () => import('./torch.bench'),
};
