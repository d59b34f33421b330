/**
 * Benchmark harness for `pnpm bench`. Each bench module (bench/*.bench.ts, listed in
 * bench/areas.ts) exports a default function returning tables; the runner prints them and
 * writes <out>/<name>.json and .md (default out: bench/results).
 * Ratios are only compared within one run; absolute times are only meaningful on a real GPU.
 */
import { OpticspaceError, type GpuContext } from '@opticspace/gpu';

/**
 * How large the benchmarks are: `quick` checks that they still run, `default` fits this
 * repository's CPU machine (software Vulkan), `large` is the GPU-host profile (matmul 4096^3,
 * full-size encoders, index at 100K and 1M items).
 */
export type SizeProfile = 'quick' | 'default' | 'large';
export const SIZE_PROFILES: readonly SizeProfile[] = ['quick', 'default', 'large'];

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
  /**
   * The WebGPU device without timestamp queries (wall times are measured on it: per-kernel
   * timestamps cost a compute pass each), or null when none is available (CPU rows only).
   */
  gpu: GpuContext | null;
  /** A second device on the same adapter with timestamp queries, for per-kernel GPU times (null without a GPU). */
  profiledGpu: GpuContext | null;
  /** A fresh device with the run's Dawn flags (for benches that measure one configuration per device). */
  openDevice(options: { profiling: boolean }): Promise<GpuContext>;
  sizes: SizeProfile;
  /** sizes === 'quick' (kept for the benches that only know two sizes). */
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

/** A row that could not run: the typed error's code and message. */
export class BenchFailure {
  constructor(readonly message: string) {}
}

/**
 * Runs `work`; a typed opticspace error (a size past a device limit, an out-of-memory) becomes
 * a BenchFailure so the other rows still run. Any other error is a bug and propagates.
 */
export async function orFailure<T>(work: () => Promise<T>): Promise<T | BenchFailure> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OpticspaceError) return new BenchFailure(`${error.code}: ${error.message}`);
    throw error;
  }
}

/** Sum of per-kernel GPU times (timestamp queries), or null when there were none. */
export function kernelSum(timings: ReadonlyArray<{ ms: number }>): number | null {
  return timings.length ? timings.reduce((sum, t) => sum + t.ms, 0) : null;
}

export function formatTable(table: BenchTable): string {
  const columns = [...new Set(table.rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) =>
    typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(4)) : String(value ?? '');
  const notes = (table.notes ?? []).map((n) => `  ${n}`);
  if (!table.rows.length) return [`## ${table.title}`, ...notes, '(no rows)'].join('\n');
  const widths = columns.map((c) => Math.max(c.length, ...table.rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => '| ' + values.map((v, i) => v.padEnd(widths[i])).join(' | ') + ' |';
  return [
    `## ${table.title}`,
    ...notes,
    line(columns),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...table.rows.map((row) => line(columns.map((c) => cell(row[c])))),
  ].join('\n');
}
