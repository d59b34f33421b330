/**
 * A child process for kill -9 tests: runs one index save or one `opticspace build` and, at the
 * requested save step, prints "STOPPED <step>" and waits to be killed.
 *   fault-child.ts save  <step[:n]|none> SOURCE.opsx TARGET   (loads SOURCE, saves it to TARGET)
 *   fault-child.ts build <step[:n]|none> <build arguments...>
 *   fault-child.ts saves <count> SOURCE.opsx TARGET           (saves SOURCE to TARGET count times)
 * `step:n` stops at the n-th time the step is reached (chunk-written:1 = half the data written).
 */
import { EnergyIndex, setSaveHooks, type SaveStep } from '@opticspace/index';

const [mode, stop, ...rest] = process.argv.slice(2);
const [stopStep, nth = '1'] = stop.split(':');
let reached = 0;
setSaveHooks({
  async step(step: SaveStep, info) {
    if (step !== stopStep || ++reached !== Number(nth)) return;
    process.stdout.write(`STOPPED ${step} ${info.written}/${info.total}\n`);
    await new Promise(() => setInterval(() => undefined, 1000));
  },
});

if (mode === 'save' || mode === 'saves') {
  const [source, target] = rest;
  const index = await EnergyIndex.load(source, { backend: 'cpu' });
  const count = mode === 'saves' ? Number(stop) : 1;
  for (let i = 0; i < count; i++) await index.save(target);
} else if (mode === 'build') {
  const { run } = await import('../../packages/cli/src/commands/build');
  process.exitCode = await run(rest);
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write('DONE\n');
