/**
 * `pnpm bench [area...] [--quick | --sizes quick|default|large] [--out DIR] [--dawn-flags F,...]`:
 * runs the areas of bench/areas.ts (all by default), prints markdown tables and writes
 * <out>/<area>[.quick|.large].json and .md (default out: bench/results) with the machine and
 * adapter. Wall times run on a device without timestamp queries; per-kernel GPU times come
 * from a second, profiled device.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDevice, type GpuContext } from '@opticspace/gpu';
import { BENCH_AREAS } from './areas';
import { formatTable, SIZE_PROFILES, type SizeProfile } from './harness';

const USAGE = `usage: pnpm bench [area...] [--quick | --sizes ${SIZE_PROFILES.join('|')}] [--out DIR] [--dawn-flags FLAG,...]
areas: ${Object.keys(BENCH_AREAS).join(', ')} (default: all)`;

function fail(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        quick: { type: 'boolean', default: false },
        sizes: { type: 'string' },
        out: { type: 'string' },
        'dawn-flags': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
}
const { values, positionals: only } = parseOptions();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const sizes = (values.sizes ?? (values.quick ? 'quick' : 'default')) as SizeProfile;
if (!SIZE_PROFILES.includes(sizes)) fail(`unknown --sizes '${values.sizes}'`);
if (values.quick && sizes !== 'quick') fail('--quick and --sizes disagree');
const unknown = only.filter((area) => !(area in BENCH_AREAS));
if (unknown.length) fail(`unknown area ${unknown.map((a) => `'${a}'`).join(', ')}`);

const here = dirname(fileURLToPath(import.meta.url));
const outDir = values.out ? resolve(values.out) : resolve(here, 'results');
const dawnFlags = values['dawn-flags']?.split(',').filter(Boolean) ?? [];
const openDevice = ({ profiling }: { profiling: boolean }) => createDevice({ profiling, dawnFlags });

let gpu: GpuContext | null = null;
let profiledGpu: GpuContext | null = null;
try {
  gpu = await openDevice({ profiling: false });
  profiledGpu = await openDevice({ profiling: true });
} catch (error) {
  console.warn(`No WebGPU device (${(error as Error).message}); GPU rows are skipped.`);
}
const limits = gpu?.limits;
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  nodePath: process.execPath,
  adapter: gpu?.adapterName ?? 'none',
  // The profiled device's: the same as the other's, and timestamp-query where the adapter has it.
  features: profiledGpu?.features ?? gpu?.features ?? null,
  maxStorageBufferBindingSize: limits?.maxStorageBufferBindingSize ?? null,
  maxBufferSize: limits?.maxBufferSize ?? null,
  dawnFlags,
  date: new Date().toISOString(),
};
const machineLine =
  `machine: ${machine.cores} x ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}; ` +
  `adapter: ${machine.adapter}${machine.features ? `, features ${JSON.stringify(machine.features)}` : ''}`;
console.log(`# opticspace benchmarks (sizes: ${sizes})\n${machineLine}\n`);

mkdirSync(outDir, { recursive: true });
const suffix = sizes === 'default' ? '' : `.${sizes}`;
for (const [area, load] of Object.entries(BENCH_AREAS)) {
  if (only.length && !only.includes(area)) continue;
  const module = await load();
  const tables = await module.default({
    gpu,
    profiledGpu,
    openDevice,
    sizes,
    quick: sizes === 'quick',
    only,
    log: (m) => console.log(`  [${area}] ${m}`),
  });
  const markdown = tables.map(formatTable).join('\n\n');
  console.log(markdown + '\n');
  const base = resolve(outDir, `${area}${suffix}`);
  writeFileSync(`${base}.json`, JSON.stringify({ area, machine, sizes, quick: sizes === 'quick', tables }, null, 2));
  writeFileSync(`${base}.md`, `# ${area} (sizes: ${sizes}, ${machine.date})\n\n${machineLine}\n\n${markdown}\n`);
  console.log(`wrote ${base}.json and .md\n`);
}
gpu?.dispose();
profiledGpu?.dispose();
