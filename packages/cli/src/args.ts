/**
 * A small, generic command-line parser for the opticspace commands. Each command declares its
 * options once; values are converted and checked here, so commands get typed values or a
 * UsageError naming the option, the expected and the actual value.
 *
 *   const spec = { k: { type: 'integer', alias: 'k', default: 10 }, json: { type: 'boolean' } } as const;
 *   const { options, positionals } = parseArgs(argv, spec, { positionals: ['INDEX', 'QUERY'] });
 *
 * Accepted forms: `--name value`, `--name=value`, `-a value` (one-letter alias), `--flag`
 * (booleans; `--flag=false` too), `--` ends the options. Lists are comma-separated.
 * Option names are written in camelCase in the spec and kebab-case on the command line.
 */
import { OpticspaceError } from '@opticspace/gpu';

export class UsageError extends OpticspaceError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export type OptionType = 'string' | 'number' | 'integer' | 'boolean' | 'list' | 'numberList';

export interface OptionSpec {
  type: OptionType;
  /** one-letter short form, used as `-x` */
  alias?: string;
  default?: string | number | boolean | readonly string[] | readonly number[];
  /** allowed values for 'string' and 'list' */
  choices?: readonly string[];
}

type ValueOf<T extends OptionType> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'list'
        ? string[]
        : number[];

export type ParsedOptions<S extends Record<string, OptionSpec>> = {
  [K in keyof S]: S[K] extends { default: unknown } ? ValueOf<S[K]['type']> : S[K]['type'] extends 'boolean' ? boolean : ValueOf<S[K]['type']> | undefined;
};

export interface PositionalSpec {
  /** names of the required positionals, in order (for messages) */
  required?: readonly string[];
  /** names of optional positionals after the required ones */
  optional?: readonly string[];
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function convert(name: string, spec: OptionSpec, raw: string): ValueOf<OptionType> {
  const flag = `--${kebab(name)}`;
  const number = (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} expects a number, got '${text}'`);
    if (spec.type === 'integer' && !Number.isInteger(value)) throw new UsageError(`${flag} expects an integer, got '${text}'`);
    return value;
  };
  const choose = (value: string): string => {
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`${flag} expects one of ${spec.choices.join(', ')}, got '${value}'`);
    }
    return value;
  };
  switch (spec.type) {
    case 'string':
      return choose(raw);
    case 'number':
    case 'integer':
      return number(raw);
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new UsageError(`${flag} is a flag (true/false), got '${raw}'`);
    case 'list':
    case 'numberList': {
      const items = raw.split(',').map((item) => item.trim());
      if (items.some((item) => item === '')) throw new UsageError(`${flag} expects a comma-separated list without empty items, got '${raw}'`);
      return spec.type === 'list' ? items.map(choose) : items.map(number);
    }
  }
}

export function parseArgs<S extends Record<string, OptionSpec>>(
  argv: readonly string[],
  spec: S,
  positionalSpec: PositionalSpec = {},
): { options: ParsedOptions<S>; positionals: string[] } {
  const byFlag = new Map<string, string>();
  for (const [name, option] of Object.entries(spec)) {
    byFlag.set(`--${kebab(name)}`, name);
    if (option.alias) byFlag.set(`-${option.alias}`, name);
  }
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec)) {
    if (option.default !== undefined) values[name] = Array.isArray(option.default) ? [...option.default] : option.default;
    else if (option.type === 'boolean') values[name] = false;
  }
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!argument.startsWith('-') || argument === '-' || /^-\d/.test(argument)) {
      positionals.push(argument);
      continue;
    }
    const equals = argument.indexOf('=');
    const flag = equals >= 0 ? argument.slice(0, equals) : argument;
    const name = byFlag.get(flag);
    if (!name) {
      const known = [...byFlag.keys()].filter((key) => key.startsWith('--')).join(', ');
      throw new UsageError(`unknown option '${flag}' (known: ${known || 'none'})`);
    }
    const option = spec[name];
    let raw: string;
    if (equals >= 0) raw = argument.slice(equals + 1);
    else if (option.type === 'boolean') raw = 'true';
    else {
      if (index + 1 >= argv.length) throw new UsageError(`${flag} expects a value`);
      raw = argv[++index];
    }
    values[name] = convert(name, option, raw);
  }
  const required = positionalSpec.required ?? [];
  const optional = positionalSpec.optional ?? [];
  if (positionals.length < required.length) {
    throw new UsageError(`missing ${required.slice(positionals.length).join(', ')} (expected ${required.length} positional argument${required.length === 1 ? '' : 's'}, got ${positionals.length})`);
  }
  if (positionals.length > required.length + optional.length) {
    throw new UsageError(`unexpected argument '${positionals[required.length + optional.length]}'`);
  }
  return { options: values as ParsedOptions<S>, positionals };
}

/**
 * Runs a command body; a UsageError prints one line (the message, its code and where the usage
 * is) and exits with 2. `usage` starts with the command's synopsis.
 */
export async function withUsage(usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      const command = /opticspace ([a-z-]+)/.exec(usage)?.[1];
      console.error(`opticspace: ${error.message} [${error.code}] (see 'opticspace ${command ?? '<command>'} --help')`);
      return 2;
    }
    throw error;
  }
}
