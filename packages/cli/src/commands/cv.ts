/**
 * `opticspace cv`: chooses the default search method by cross-validation over the queries of
 * several collections together (packages/eval/src/selection), and writes the folds' numbers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  configurations,
  crossValidate,
  crossValidationMarkdown,
  DEFAULT_GRID,
  documentText,
  embedDataset,
  energyEffect,
  energyTwins,
  LexicalEmbedder,
  loadBeirDataset,
  scoreConfigurations,
  type CollectionScores,
} from '@opticspace/eval';
import { EnergyIndex } from '@opticspace/index';
import { parseArgs, UsageError, withUsage } from '../args';
import { BUILD_OPTION_SPEC, BUILD_OPTION_USAGE, buildOptionsFrom } from '../index-options';
import { formatTable } from '../table';

export const usage = `opticspace cv --datasets DIR,DIR [--folds 5] [--seed 42] [--dims 384] [--out FILE]
  Chooses the default search method: every configuration of packages/eval/src/selection/grid.ts
  (the lexical and dense methods with their feedback settings, and every fusion of a pair) is
  scored on every query of every dataset; folds hold queries of every dataset; each fold picks
  the configuration with the best mean (over datasets) nDCG@10 on the other folds among those
  within --tolerance of BM25 on every dataset, and is scored with it. Writes FILE.json and
  FILE.md (default docs/results/default-method).
  --tolerance T                largest relative nDCG@10 loss to BM25 allowed (default 0.01)
${BUILD_OPTION_USAGE}`;

const spec = {
  datasets: { type: 'list' },
  folds: { type: 'integer', default: 5 },
  seed: { type: 'integer', default: 42 },
  dims: { type: 'integer', default: 384 },
  tolerance: { type: 'number', default: 0.01 },
  out: { type: 'string', default: 'docs/results/default-method' },
  ...BUILD_OPTION_SPEC,
} as const;

export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { options } = parseArgs(argv, spec);
    if (!options.datasets || options.datasets.length < 2) throw new UsageError('--datasets needs at least two dataset folders (never tune on one)');
    if (options.folds < 2) throw new UsageError(`--folds must be at least 2, got ${options.folds}`);
    const grid = DEFAULT_GRID;
    const { singles, fusions } = configurations(grid);
    console.error(`cv: ${singles.length + fusions.length} configurations, ${options.folds} folds`);
    const scores: CollectionScores[] = [];
    for (const folder of options.datasets) {
      const dataset = await loadBeirDataset(folder);
      const embedder = new LexicalEmbedder({ dims: options.dims, seed: options.seed });
      const embedded = await embedDataset(dataset, embedder);
      const index = await EnergyIndex.build(embedded.documents, {
        ...buildOptionsFrom(options, options.seed),
        dimension: embedded.dims,
        documents: dataset.corpus.map(documentText),
      });
      try {
        const start = performance.now();
        scores.push(await scoreConfigurations(dataset, index, embedded.queries, grid, (stage) => console.error(`  ${dataset.name}: ${stage}`)));
        console.error(`cv: ${dataset.name}: ${dataset.queries.length} queries scored in ${((performance.now() - start) / 1000).toFixed(0)} s`);
      } finally {
        index.dispose();
      }
    }
    const report = crossValidate(scores, { folds: options.folds, seed: options.seed, tolerance: options.tolerance });
    const names = scores.map((s) => s.name);
    console.log(
      formatTable(
        ['fold', 'pick', ...names.flatMap((n) => [`${n} pick`, `${n} bm25`])],
        report.folds.map((fold) => [String(fold.fold + 1), fold.chosen, ...names.flatMap((n) => [fold.heldOut[n].chosen.toFixed(4), fold.heldOut[n].baseline.toFixed(4)])]),
      ),
    );
    console.log(`default: ${report.final.chosen}; cross-validated nDCG@10 ${names.map((n) => `${n} ${report.pooled[n].chosen.toFixed(4)} (bm25 ${report.pooled[n].baseline.toFixed(4)})`).join(', ')}`);
    const command = `npm run cli -- cv ${argv.join(' ')}`;
    const energy = energyEffect(report, energyTwins(fusions));
    // Every configuration's numbers stay out of the JSON (13K rows); the summaries keep what the report cites.
    const { configurations: _all, ...summary } = report;
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(`${options.out}.json`, JSON.stringify({ command, grid, ...summary, energyEffect: energy }, null, 2) + '\n');
    await writeFile(`${options.out}.md`, crossValidationMarkdown(report, energy, command));
    console.error(`cv: wrote ${options.out}.json and ${options.out}.md`);
    return 0;
  });
}
