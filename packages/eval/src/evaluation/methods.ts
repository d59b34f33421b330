/**
 * The retrieval methods an evaluation compares: every search method of the index's method
 * table (@opticspace/index methods.ts: dense modes, BM25, feedback, fusions) plus `blend`,
 * which only the evaluation computes.
 * Design: docs/energy-index.md, "Search" and "Evaluation".
 */
import { InvalidInputError } from '@opticspace/gpu';
import { DEFAULT_SEARCH, SEARCH_METHOD_NAMES, type SearchMethod, type SearchOptions, type SearchParameters } from '@opticspace/index';

/**
 * `blend` is cosine - beta * energy distance (beta 0.3; docs/energy-index.md, "Evaluation"), scored
 * exactly over every item from the index's cosine and energy scores; it is not one of the index's search methods.
 */
export const METHOD_NAMES = [...SEARCH_METHOD_NAMES, 'blend'] as const;
export type MethodName = SearchMethod | 'blend';
/** The index's own search methods. */
export type IndexMethodName = SearchMethod;
/** The methods `opticspace eval` runs when --methods is not given: every method of the index. */
export const DEFAULT_METHODS: readonly MethodName[] = SEARCH_METHOD_NAMES;

/** Search parameters of the index methods (the index's defaults) and blend's beta. */
export type MethodParameters = Omit<SearchParameters, 'k' | 'method'> & {
  /** blend: weight of the energy distance subtracted from the cosine similarity. */
  blendBeta: number;
};

const { k: _k, method: _method, ...searchDefaults } = DEFAULT_SEARCH;
export const DEFAULT_METHOD_PARAMETERS: MethodParameters = { ...searchDefaults, blendBeta: 0.3 };

/** Parameters given in part (nested objects too), e.g. { fusion: { rrfK: 30 } }. */
export type MethodOptions = Omit<SearchOptions, 'k' | 'method'> & { blendBeta?: number };

/** The defaults with every given field replaced (nested objects merged); the index validates them when it searches. */
export function resolveMethodParameters(options: MethodOptions = {}, base: MethodParameters = DEFAULT_METHOD_PARAMETERS): MethodParameters {
  return mergeDeep(base, options) as MethodParameters;
}

function mergeDeep(base: unknown, override: unknown): unknown {
  if (override === undefined) return structuredClone(base);
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(base) || !isObject(override)) return override;
  const merged: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) merged[key] = mergeDeep(base[key], value);
  return merged;
}

export function parseMethods(names: readonly string[]): MethodName[] {
  if (names.length === 0) throw new InvalidInputError(`at least one method is needed (known: ${METHOD_NAMES.join(', ')})`);
  const methods: MethodName[] = [];
  for (const name of names) {
    if (!(METHOD_NAMES as readonly string[]).includes(name)) {
      throw new InvalidInputError(`unknown method '${name}' (known: ${METHOD_NAMES.join(', ')})`);
    }
    if (!methods.includes(name as MethodName)) methods.push(name as MethodName);
  }
  return methods;
}

export function searchOptionsFor(method: IndexMethodName, k: number, parameters: MethodParameters): SearchOptions {
  const { blendBeta: _beta, ...search } = parameters;
  return { ...structuredClone(search), k, method, candidates: Math.max(parameters.candidates, k) };
}
