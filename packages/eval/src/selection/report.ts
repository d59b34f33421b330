/** The cross-validation report as Markdown (docs/results/default-method.md). */
import type { CrossValidationReport, EnergyEffect } from './cross-validate';

const f4 = (value: number) => value.toFixed(4);
/** Configuration names hold '|': escaped for Markdown table cells. */
const cell = (name: string) => name.replaceAll('|', '\\|');
const delta = (value: number, baseline: number) => `${value >= baseline ? '+' : ''}${(((value - baseline) / baseline) * 100).toFixed(1)} %`;

export function crossValidationMarkdown(report: CrossValidationReport, energy: readonly EnergyEffect[], command: string): string {
  const collections = Object.keys(report.pooled);
  const { settings } = report;
  const lines = [
    '# Default search method: cross-validated over both development collections',
    '',
    `Reproduce: \`${command}\``,
    '',
    `${settings.configurations} configurations (packages/eval/src/selection/grid.ts); ${settings.folds} folds dealt round-robin from a seeded ` +
      `shuffle (seed ${settings.seed}) of each collection's queries, so every fold holds queries of every collection. A fold's pick ` +
      `maximises the mean over collections of the mean nDCG@10 on the other folds' queries, among the configurations within ` +
      `${settings.tolerance * 100} % of ${settings.baseline} on every collection's training queries.`,
    '',
    '## Folds (held-out nDCG@10)',
    '',
    `| fold | pick (on the other folds) | ${collections.map((c) => `${c} queries | ${c} pick | ${c} ${settings.baseline}`).join(' | ')} |`,
    `| ---: | --- | ${collections.map(() => '---: | ---: | ---:').join(' | ')} |`,
    ...report.folds.map(
      (fold) =>
        `| ${fold.fold + 1} | ${cell(fold.chosen)} | ${collections.map((c) => `${fold.queries[c]} | ${f4(fold.heldOut[c].chosen)} | ${f4(fold.heldOut[c].baseline)}`).join(' | ')} |`,
    ),
    '',
    'Every query scored by the pick of the folds that held it out:',
    '',
    `| collection | queries | cross-validated nDCG@10 | ${settings.baseline} | change |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...collections.map((c) => {
      const p = report.pooled[c];
      return `| ${c} | ${p.queries} | ${f4(p.chosen)} | ${f4(p.baseline)} | ${delta(p.chosen, p.baseline)} |`;
    }),
    '',
    `## The default: the pick on all queries`,
    '',
    `**${cell(report.final.chosen)}** (objective ${f4(report.final.objective)}):`,
    '',
    `| collection | nDCG@10 (all queries, chosen on them) | ${settings.baseline} | change |`,
    '| --- | ---: | ---: | ---: |',
    ...collections.map((c) => {
      const v = report.final.collections[c];
      return `| ${c} | ${f4(v.chosen)} | ${f4(v.baseline)} | ${delta(v.chosen, v.baseline)} |`;
    }),
    '',
    '## The best configuration of each method on all queries',
    '',
    `| method | configuration | objective | within ${settings.tolerance * 100} % of ${settings.baseline} | ${collections.join(' | ')} |`,
    `| --- | --- | ---: | --- | ${collections.map(() => '---:').join(' | ')} |`,
    ...Object.entries(report.bestPerMethod).map(
      ([method, row]) => `| ${method} | ${cell(row.name)} | ${f4(row.objective)} | ${row.eligible ? 'yes' : 'no'} | ${collections.map((c) => f4(row.collections[c])).join(' | ')} |`,
    ),
    '',
    '## The energy list in a fusion',
    '',
    'Each fusion configuration with an energy list against the same configuration without it (all queries):',
    '',
    `| energy weight | pairs | ${collections.map((c) => `${c} mean change | ${c} improved`).join(' | ')} |`,
    `| ---: | ---: | ${collections.map(() => '---: | ---:').join(' | ')} |`,
    ...energy.map(
      (row) =>
        `| ${row.energy} | ${row.pairs} | ${collections.map((c) => `${row.collections[c].meanChange >= 0 ? '+' : ''}${f4(row.collections[c].meanChange)} | ${(row.collections[c].improved * 100).toFixed(0)} %`).join(' | ')} |`,
    ),
    '',
    '## Leading configurations on all queries',
    '',
    `| configuration | objective | within ${settings.tolerance * 100} % of ${settings.baseline} | ${collections.join(' | ')} |`,
    `| --- | ---: | --- | ${collections.map(() => '---:').join(' | ')} |`,
    ...report.leaders.map((row) => `| ${cell(row.name)} | ${f4(row.objective)} | ${row.eligible ? 'yes' : 'no'} | ${collections.map((c) => f4(row.collections[c])).join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}
