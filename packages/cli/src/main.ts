/**
 * `opticspace <command> [options]`. Each command lives in ./commands/<name>.ts and exports
 * `run(argv: string[]): Promise<number>` (the exit code) and `usage: string`.
 */
import { OpticspaceError } from '@opticspace/gpu';

const commands: Record<string, () => Promise<CommandModule>> = {
  eval: () => import('./commands/eval'),
  sweep: () => import('./commands/sweep'),
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

/**
 * Every failure is one line on stderr, `opticspace: <message> [CODE]`, and a non-zero exit
 * status: typed errors carry their code, Node system errors their errno code; anything else is
 * a bug, reported as INTERNAL (OPTICSPACE_DEBUG=1 prints the stack as well).
 */
function errorLine(error: unknown): string {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  if (error instanceof OpticspaceError) return `opticspace: ${oneLine(error.message)} [${error.code}]`;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = oneLine(String((error as Error | null)?.message ?? error));
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `opticspace: ${message} [${code}]`;
  return `opticspace: internal error: ${message} [INTERNAL]`;
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
