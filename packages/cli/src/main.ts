/**
 * `opticspace <command> [options]`. Each command lives in ./commands/<name>.ts and exports
 * `run(argv: string[]): Promise<number>` (the exit code) and `usage: string`.
 */
import { errorLine } from './error-line';

const commands: Record<string, () => Promise<CommandModule>> = {
  eval: () => import('./commands/eval'),
  sweep: () => import('./commands/sweep'),
  cv: () => import('./commands/cv'),
  build: () => import('./commands/build'),
  search: () => import('./commands/search'),
  encode: () => import('./commands/encode'),
  'compress-report': () => import('./commands/compress-report'),
};

export interface CommandModule {
  usage: string;
  run(argv: string[]): Promise<number>;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log('usage: opticspace <command> [options]\n\ncommands:');
    for (const [command, load] of Object.entries(commands)) {
      const usage = await load().then((m) => m.usage.split('\n')[0], () => '(not available)');
      console.log(`  ${command.padEnd(16)} ${usage}`);
    }
    return 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`opticspace: unknown command '${name}'. Run 'opticspace --help'.`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(errorLine(error));
    if (process.env.OPTICSPACE_DEBUG) console.error(error);
    process.exitCode = 1;
  },
);
