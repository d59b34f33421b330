/**
 * `opticspace sweep`: the diffusion grid (eta x steps) and the energy-weight grid on a BEIR
 * dataset; writes CSVs and heatmaps (SVG + PNG) with a progress bar on stderr.
 */
import {
  DEFAULT_ETAS,
  DEFAULT_STEPS,
  DEFAULT_WEIGHT_GRID,
  embedDataset,
  LexicalEmbedder,
  loadBeirDataset,
  METRIC_NAMES,
  ProgressBar,
  runDiffusionSweep,
  runWeightSweep,
  weightCombinations,
  writeSweepReport,
  type DimensionReduction,
  type IndexMethodName,
  type TermWeighting,
} from '@opticspace/eval';
import { SEARCH_METHOD_NAMES } from '@opticspace/index';
import { join } from 'node:path';
import { parseArgs, UsageError, withUsage } from '../args';
import { prepareOutputDirectory } from '../files';
import { buildOptionsFrom, GRAPH_OPTION_SPEC } from '../index-options';
import { formatTable } from '../table';

export const usage = `opticspace sweep --dataset DIR [--eta LIST] [--steps LIST] [--out DIR]
  Diffusion sweep: one index build per (eta, steps) (default eta ${DEFAULT_ETAS.join(',')} x steps ${DEFAULT_STEPS.join(',')}),
  every --methods scored on all queries. Weight sweep: energy weights lambda x dispersion x dirichlet
  over --weight-grid (default ${DEFAULT_WEIGHT_GRID.join(',')}), chosen on a seeded dev half of the queries
  and reported on the held-out half. Writes diffusion.csv, weights.csv, weights-summary.json and
  <method>-<metric>.svg/.png heatmaps to --out (default docs/sweep/<dataset name>).
  --methods LIST        index methods in the diffusion grid (default energy,hybrid,lambdaAware; any of
                        ${SEARCH_METHOD_NAMES.join(', ')})
  --weight-method M     energy|hybrid for the weight sweep (default energy); --skip-weights to skip it
  --dims N --seed S --weighting tfidf|bm25 --reduction svd|random-projection
  --backend auto|webgpu|cpu --clusters N --topk N --eps E
  --png=false           SVG only`;

const spec = {
  dataset: { type: 'string' },
  eta: { type: 'numberList', default: [...DEFAULT_ETAS] },
  steps: { type: 'numberList', default: [...DEFAULT_STEPS] },
  out: { type: 'string' },
  methods: { type: 'list', choices: SEARCH_METHOD_NAMES, default: ['energy', 'hybrid', 'lambdaAware'] },
  weightGrid: { type: 'numberList', default: [...DEFAULT_WEIGHT_GRID] },
  weightMethod: { type: 'string', choices: ['energy', 'hybrid'], default: 'energy' },
  skipWeights: { type: 'boolean' },
  png: { type: 'boolean', default: true },
  dims: { type: 'integer', default: 384 },
  seed: { type: 'integer', default: 42 },
  weighting: { type: 'string', choices: ['tfidf', 'bm25'] },
  reduction: { type: 'string', choices: ['svd', 'random-projection'] },
  ...GRAPH_OPTION_SPEC,
} as const;

export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { options } = parseArgs(argv, spec);
    if (!options.dataset) throw new UsageError('--dataset DIR is required');
    if (options.steps.some((value) => !Number.isInteger(value) || value < 0)) {
      throw new UsageError(`--steps expects non-negative integers, got ${options.steps.join(',')}`);
    }
    const dataset = await loadBeirDataset(options.dataset);
    const out = options.out ?? join('docs', 'sweep', dataset.name);
    await prepareOutputDirectory(out);
    const embedder = new LexicalEmbedder({
      dims: options.dims,
      seed: options.seed,
      weighting: options.weighting as TermWeighting | undefined,
      reduction: options.reduction as DimensionReduction | undefined,
    });
    console.error(`sweep: ${dataset.name}: ${dataset.corpus.length} documents, ${dataset.queries.length} queries, embedder ${embedder.name}`);
    const embedded = await embedDataset(dataset, embedder);
    const build = buildOptionsFrom({ backend: options.backend, clusters: options.clusters, topk: options.topk, eps: options.eps }, options.seed);

    const cells = new ProgressBar(options.eta.length * options.steps.length, 'diffusion');
    const diffusion = await runDiffusionSweep(dataset, embedded, {
      etas: options.eta,
      steps: options.steps,
      methods: options.methods as IndexMethodName[],
      build,
      seed: options.seed,
      onCell: ({ eta, steps }) => cells.tick(`eta=${eta} steps=${steps}`),
    });
    let weights = null;
    if (!options.skipWeights) {
      const grid = options.weightGrid;
      const bar = new ProgressBar(weightCombinations(grid, grid, grid).length, 'weights  ');
      weights = await runWeightSweep(dataset, embedded, {
        lambdas: grid,
        dispersions: grid,
        dirichlets: grid,
        method: options.weightMethod as 'energy' | 'hybrid',
        build,
        seed: options.seed,
        onCombination: () => bar.tick(),
      });
    }
    const written = await writeSweepReport(out, dataset.name, diffusion, weights, { png: options.png });

    for (const method of options.methods) {
      const rows = diffusion.filter((row) => row.method === method);
      const best = rows.reduce((a, b) => (b.metrics['ndcg@10'] > a.metrics['ndcg@10'] ? b : a));
      console.log(`${method}: best nDCG@10 ${best.metrics['ndcg@10'].toFixed(4)} at eta=${best.eta} (used ${best.etaUsed.toFixed(4)}), steps=${best.steps}`);
    }
    if (weights) {
      const { best, test } = weights;
      console.log(`weights (${weights.method}): tuned on ${weights.devQueries} dev queries -> lambda=${best.lambda}, dispersion=${best.dispersion}, dirichlet=${best.dirichlet}; held-out ${weights.testQueries} queries:`);
      console.log(
        formatTable(
          ['on test queries', ...METRIC_NAMES],
          [
            [`${weights.method} tuned weights`, ...METRIC_NAMES.map((name) => test.tuned[name].toFixed(4))],
            [`${weights.method} default weights`, ...METRIC_NAMES.map((name) => test.defaultWeights[name].toFixed(4))],
            ['cosine', ...METRIC_NAMES.map((name) => test.cosine[name].toFixed(4))],
          ],
        ),
      );
    }
    console.error(`sweep: wrote ${written.files.length} files to ${out}`);
    return 0;
  });
}
