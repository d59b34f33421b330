/**
 * Writes sweep results (Node): `diffusion.csv`, `weights.csv`, `weights-summary.json` and one
 * heatmap per metric and method as `<method>-<metric>.svg/.png` (eta on x, steps on y).
 */
import { METRIC_NAMES, type MetricName } from '../metrics/ranking-metrics';
import { toCsv } from '../sweep/csv';
import type { DiffusionSweepRow, WeightSweepResult } from '../sweep/sweep';
import { heatmapSvg, type HeatmapData } from './heatmap';
import { heatmapPng } from './heatmap-png';

export function diffusionCsv(rows: readonly DiffusionSweepRow[]): string {
  return toCsv(
    ['eta', 'steps', 'eta_used', 'method', ...METRIC_NAMES, 'build_ms'],
    rows.map((row) => [row.eta, row.steps, row.etaUsed, row.method, ...METRIC_NAMES.map((name) => row.metrics[name]), Math.round(row.buildMs)]),
  );
}

export function weightsCsv(result: WeightSweepResult): string {
  return toCsv(
    ['lambda', 'dispersion', 'dirichlet', ...METRIC_NAMES.map((name) => `dev_${name}`)],
    result.rows.map((row) => [row.lambda, row.dispersion, row.dirichlet, ...METRIC_NAMES.map((name) => row.dev[name])]),
  );
}

export function diffusionHeatmap(rows: readonly DiffusionSweepRow[], method: string, metric: MetricName, datasetName: string): HeatmapData {
  const etas = [...new Set(rows.map((row) => row.eta))].sort((a, b) => a - b);
  const steps = [...new Set(rows.map((row) => row.steps))].sort((a, b) => a - b);
  const values = steps.map((step) =>
    etas.map((eta) => rows.find((row) => row.method === method && row.eta === eta && row.steps === step)?.metrics[metric] ?? NaN),
  );
  return { title: `${datasetName}: ${method} ${metric} over diffusion eta x steps`, xLabel: 'eta (requested)', yLabel: 'steps', xValues: etas, yValues: steps, values };
}

/** Dev nDCG@10 over lambda (x) and dirichlet (y) with dispersion fixed at the tuned value. */
export function weightHeatmap(result: WeightSweepResult, metric: MetricName, datasetName: string): HeatmapData {
  const lambdas = [...new Set(result.rows.map((row) => row.lambda))].sort((a, b) => a - b);
  const dirichlets = [...new Set(result.rows.map((row) => row.dirichlet))].sort((a, b) => a - b);
  const dispersion = result.best.dispersion;
  const values = dirichlets.map((dirichlet) =>
    lambdas.map((lambda) => result.rows.find((row) => row.lambda === lambda && row.dirichlet === dirichlet && row.dispersion === dispersion)?.dev[metric] ?? NaN),
  );
  return {
    title: `${datasetName}: ${result.method} dev ${metric}, dispersion weight ${dispersion}`,
    xLabel: 'lambda weight',
    yLabel: 'dirichlet weight',
    xValues: lambdas,
    yValues: dirichlets,
    values,
  };
}

export interface WrittenSweep {
  files: string[];
}

export async function writeSweepReport(
  directory: string,
  datasetName: string,
  diffusion: readonly DiffusionSweepRow[],
  weights: WeightSweepResult | null,
  options: { png?: boolean } = {},
): Promise<WrittenSweep> {
  const { mkdir, writeFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  const { join } = await import(/* @vite-ignore */ 'node:path');
  await mkdir(directory, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, content: string | Uint8Array): Promise<void> => {
    const path = join(directory, name);
    await writeFile(path, content);
    files.push(path);
  };
  const png = options.png ?? true;
  const heatmap = async (base: string, data: HeatmapData): Promise<void> => {
    await write(`${base}.svg`, heatmapSvg(data));
    if (png) await write(`${base}.png`, await heatmapPng(data));
  };
  if (diffusion.length > 0) {
    await write('diffusion.csv', diffusionCsv(diffusion));
    const methods = [...new Set(diffusion.map((row) => row.method))];
    for (const method of methods) for (const metric of METRIC_NAMES) await heatmap(`${method}-${metric.replace('@', '')}`, diffusionHeatmap(diffusion, method, metric, datasetName));
  }
  if (weights) {
    await write('weights.csv', weightsCsv(weights));
    await write('weights-summary.json', JSON.stringify({ method: weights.method, devQueries: weights.devQueries, testQueries: weights.testQueries, best: weights.best, test: weights.test }, null, 2) + '\n');
    await heatmap(`weights-${weights.method}-ndcg10`, weightHeatmap(weights, 'ndcg@10', datasetName));
  }
  return { files };
}
