/**
 * Benchmark harness for `pnpm bench`. Each bench module (bench/*.bench.ts) exports a default
 * function returning tables; the runner prints them and writes bench/results/<name>.json.
 * Ratios are only compared within one run; absolute times are only meaningful on a real GPU.
 */
import type { GpuContext } from '@opticspace/gpu';

export interface BenchRow {
  [column: string]: string | number | null;
}

export interface BenchTable {
  title: string;
  /** Free-form notes: adapter, sizes, what the ratio means. */
  notes?: string[];
  rows: BenchRow[];
}

export interface BenchContext {
  /** The WebGPU device, or null when none is available (only CPU rows are produced). */
  gpu: GpuContext | null;
  /** `--quick` shrinks sizes (used to check the benches still run). */
  quick: boolean;
  /** Command-line filter, e.g. `pnpm bench index`. */
  only: string[];
  log: (message: string) => void;
}

export type BenchModule = (ctx: BenchContext) => Promise<BenchTable[]>;

/** Median wall time in ms of `fn` over `repeats` runs after `warmup` runs. */
export async function timeMedian(fn: () => unknown | Promise<unknown>, repeats = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function formatTable(table: BenchTable): string {
  const columns = [...new Set(table.rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) =>
    typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(4)) : String(value ?? '');
  const widths = columns.map((c) => Math.max(c.length, ...table.rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => '| ' + values.map((v, i) => v.padEnd(widths[i])).join(' | ') + ' |';
  return [
    `## ${table.title}`,
    ...(table.notes ?? []).map((n) => `  ${n}`),
    line(columns),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...table.rows.map((row) => line(columns.map((c) => cell(row[c])))),
  ].join('\n');
}
