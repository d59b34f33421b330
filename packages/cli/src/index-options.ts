/** Options shared by the commands that build an energy index (eval, sweep, build). */
import type { BuildOptions } from '@opticspace/index';
import type { OptionSpec } from './args';

/** Everything but the diffusion (which `sweep` takes as lists). */
export const GRAPH_OPTION_SPEC = {
  backend: { type: 'string', choices: ['auto', 'webgpu', 'cpu'], default: 'auto' },
  clusters: { type: 'integer' },
  topk: { type: 'integer' },
  eps: { type: 'number' },
} as const satisfies Record<string, OptionSpec>;

export const BUILD_OPTION_SPEC = {
  ...GRAPH_OPTION_SPEC,
  eta: { type: 'number' },
  steps: { type: 'integer' },
} as const satisfies Record<string, OptionSpec>;

export const BUILD_OPTION_USAGE = `index build options:
  --backend auto|webgpu|cpu   where the index runs (default auto: WebGPU when available)
  --clusters N                k-means clusters (default clamp(round(sqrt(N)), 2, 1024))
  --topk N --eps E            feature-graph neighbours and distance threshold (default 6, 1)
  --eta E --steps S           diffusion step and count (default 0.1, 4)`;

export function buildOptionsFrom(options: {
  backend: string;
  clusters?: number;
  topk?: number;
  eps?: number;
  eta?: number;
  steps?: number;
}, seed: number): BuildOptions {
  return {
    seed,
    backend: options.backend as BuildOptions['backend'],
    clusters: options.clusters,
    eta: options.eta,
    steps: options.steps,
    graph: { topk: options.topk, eps: options.eps },
  };
}
