/**
 * The retrieval methods an evaluation compares: the four search modes of the energy index
 * and the project's own BM25 baseline.
 * Design: docs/energy-index.md, "Search" and "Evaluation".
 */
import { InvalidInputError } from '@opticspace/gpu';
import type { SearchOptions } from '@opticspace/index';

/**
 * `blend` is cosine - beta * energy distance (beta 0.3; docs/energy-index.md, "Evaluation"), scored exactly over every
 * item from the index's cosine and energy scores; it is not one of the index's search modes.
 */
export const METHOD_NAMES = ['cosine', 'lambdaAware', 'energy', 'hybrid', 'blend', 'bm25'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];
/** The index's own search modes. */
export type IndexMethodName = Exclude<MethodName, 'bm25' | 'blend'>;
/** The methods that need the energy index (everything but BM25). */
export type DenseMethodName = Exclude<MethodName, 'bm25'>;
/** The methods `opticspace eval` runs when --methods is not given. */
export const DEFAULT_METHODS: readonly MethodName[] = ['cosine', 'lambdaAware', 'energy', 'hybrid', 'bm25'];

/** Search parameters shared by the index methods (index defaults: alpha 0.7, weights 1/0.5/0.25, M 100). */
export interface MethodParameters {
  alpha: number;
  weights: { lambda: number; dispersion: number; dirichlet: number };
  candidates: number;
  /** blend: weight of the energy distance subtracted from the cosine similarity. */
  blendBeta: number;
}

export const DEFAULT_METHOD_PARAMETERS: MethodParameters = {
  alpha: 0.7,
  weights: { lambda: 1, dispersion: 0.5, dirichlet: 0.25 },
  candidates: 100,
  blendBeta: 0.3,
};

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
  return { k, method, alpha: parameters.alpha, weights: { ...parameters.weights }, candidates: Math.max(parameters.candidates, k) };
}
