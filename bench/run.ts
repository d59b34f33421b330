/**
 * `pnpm bench [--quick] [area...]`: runs every bench/*.bench.ts (or the named areas), prints
 * markdown tables and writes bench/results/<area>.json with the adapter and machine.
 */
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDevice, type GpuContext } from '@opticspace/gpu';
import { formatTable, type BenchModule } from './harness';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));

let gpu: GpuContext | null = null;
try {
  gpu = await createDevice({ profiling: true });
} catch (error) {
  console.warn(`No WebGPU device (${(error as Error).message}); GPU rows are skipped.`);
}
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  adapter: gpu?.adapterName ?? 'none',
  date: new Date().toISOString(),
};
console.log(`# opticspace benchmarks\nmachine: ${machine.cores} x ${machine.cpu}, ${machine.memoryGiB} GiB; adapter: ${machine.adapter}\n`);

const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
mkdirSync(resolve(here, 'results'), { recursive: true });
for (const file of files) {
  const area = basename(file, '.bench.ts');
  if (only.length && !only.includes(area)) continue;
  const module = (await import(pathToFileURL(resolve(here, file)).href)) as { default: BenchModule };
  const tables = await module.default({ gpu, quick, only, log: (m) => console.log(`  [${area}] ${m}`) });
  for (const table of tables) console.log(formatTable(table) + '\n');
  const out = resolve(here, 'results', `${area}${quick ? '.quick' : ''}.json`);
  writeFileSync(out, JSON.stringify({ area, machine, quick, tables }, null, 2));
  console.log(`wrote ${out}\n`);
}
gpu?.dispose();
