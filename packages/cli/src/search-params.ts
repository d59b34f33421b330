/**
 * `--params path=value,...`: any search parameter of @opticspace/index by its dotted path, e.g.
 * `--params fusion.lexical=bm25Rm3,fusion.rrfK=30,rm3.terms=20`. Paths and value types come
 * from the index's DEFAULT_SEARCH; ranges are checked by the index (typed errors).
 */
import { DEFAULT_SEARCH, SEARCH_METHOD_NAMES, SEARCH_METHODS, DEFAULT_METHOD, type SearchOptions } from '@opticspace/index';
import { UsageError, type OptionSpec } from './args';

/** k and method have their own flags. */
const OWN_FLAGS = new Set(['k', 'method']);

function leaves(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (typeof value !== 'object' || value === null) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
}

/** Every settable path and its default. */
export const SEARCH_PARAMETER_DEFAULTS = new Map(leaves(DEFAULT_SEARCH).filter(([path]) => !OWN_FLAGS.has(path)));

export const SEARCH_PARAMS_SPEC = { params: { type: 'list' } } as const satisfies Record<string, OptionSpec>;

export const SEARCH_PARAMS_USAGE = `  --params P=V,...              search parameters by path (defaults):
${wrap([...SEARCH_PARAMETER_DEFAULTS].map(([path, value]) => `${path}=${value}`), '                                ')}`;

export const METHODS_USAGE = SEARCH_METHOD_NAMES.map((name) => `    ${name.padEnd(14)} ${SEARCH_METHODS[name].label}${name === DEFAULT_METHOD ? ' (default)' : ''}`).join('\n');

function wrap(items: string[], indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + item.length > 70) {
      lines.push(line);
      line = '';
    }
    line += (line ? ' ' : '') + item;
  }
  if (line) lines.push(line);
  return lines.map((text) => indent + text).join('\n');
}

export function searchParamsFrom(list: readonly string[] | undefined): SearchOptions {
  const options: Record<string, unknown> = {};
  for (const item of list ?? []) {
    const equals = item.indexOf('=');
    const path = item.slice(0, equals);
    const raw = item.slice(equals + 1);
    if (equals < 0 || !SEARCH_PARAMETER_DEFAULTS.has(path)) {
      throw new UsageError(`--params expects path=value with a path among ${[...SEARCH_PARAMETER_DEFAULTS.keys()].join(', ')}; got '${item}'`);
    }
    const value = typeof SEARCH_PARAMETER_DEFAULTS.get(path) === 'number' ? Number(raw) : raw;
    if (typeof value === 'number' && (raw.trim() === '' || !Number.isFinite(value))) throw new UsageError(`--params ${path} expects a number, got '${raw}'`);
    const keys = path.split('.');
    let target = options;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys[keys.length - 1]] = value;
  }
  return options as SearchOptions;
}
