/**
 * The configurations the default search method is chosen from: every lexical and dense method
 * that may stand in a fusion (with a small grid of its feedback parameters), and every fusion
 * method of the index's table over every pair of them, with a few RRF constants, list weights
 * and energy weights.
 */
import {
  DEFAULT_SEARCH,
  fusionCandidates,
  SEARCH_METHOD_NAMES,
  SEARCH_METHODS,
  type FusionParameters,
  type RocchioParameters,
  type Rm3Parameters,
  type SearchMethod,
  type SearchOptions,
} from '@opticspace/index';

export interface SelectionGrid {
  rm3: { documents: number[]; terms: number[]; originalWeight: number[] };
  rocchio: { documents: number[]; alpha: number[]; beta: number[] };
  /** RRF constants tried. */
  rrfK: number[];
  /** Weights of the dense list against the lexical list's 1. */
  denseWeight: number[];
  /** Weights of the energy list (0: none). */
  energyWeight: number[];
  /** Candidates per list. */
  depth: number;
}

/**
 * A first run of a smaller grid (rm3 documents 3/5/10, terms 20/40; rocchio documents 3/5/10;
 * energy 0/0.2) picked values at its edges; this grid brackets them.
 */
export const DEFAULT_GRID: SelectionGrid = {
  rm3: { documents: [2, 3, 5, 10], terms: [20, 40, 80], originalWeight: [0.5, 0.7] },
  rocchio: { documents: [2, 3, 5, 10], alpha: [1], beta: [0.5, 1] },
  rrfK: [10, 30, 60],
  denseWeight: [0.5, 1, 2],
  energyWeight: [0, 0.1, 0.2, 0.4],
  depth: 100,
};

/** One method with one setting of its parameters. */
export interface Configuration {
  /** Readable and unique, e.g. "rrf[bm25Rm3 d5 t40 w0.5 | cosine | k60 dense1]". */
  name: string;
  method: SearchMethod;
  /** The parameters that define it (over the index's DEFAULT_SEARCH). */
  options: SearchOptions;
}

/** A fusion's configuration and the components whose lists it fuses. */
export interface FusionConfiguration extends Configuration {
  lexical: Configuration;
  dense: Configuration;
  fusion: FusionParameters;
}

function product<T extends Record<string, number[]>>(grid: T): Array<{ [K in keyof T]: number }> {
  return Object.entries(grid).reduce<Array<Record<string, number>>>(
    (rows, [key, values]) => rows.flatMap((row) => values.map((value) => ({ ...row, [key]: value }))),
    [{}],
  ) as Array<{ [K in keyof T]: number }>;
}

/** The settings of one fusion-side method: its feedback parameters when it has any. */
function variants(method: SearchMethod, grid: SelectionGrid): Configuration[] {
  if (method === 'bm25Rm3') {
    return product(grid.rm3).map((rm3: Rm3Parameters) => ({
      name: `bm25Rm3 d${rm3.documents} t${rm3.terms} w${rm3.originalWeight}`,
      method,
      options: { rm3 },
    }));
  }
  if (method === 'cosineRocchio') {
    return product(grid.rocchio).map((rocchio: RocchioParameters) => ({
      name: `cosineRocchio d${rocchio.documents} a${rocchio.alpha} b${rocchio.beta}`,
      method,
      options: { rocchio },
    }));
  }
  return [{ name: method, method, options: {} }];
}

export function components(grid: SelectionGrid): { lexical: Configuration[]; dense: Configuration[] } {
  return {
    lexical: fusionCandidates('lexical').flatMap((method) => variants(method, grid)),
    dense: fusionCandidates('dense')
      .filter((method) => method !== 'lambdaAware') // cosine's twin (within 0.003 nDCG@10 on both sets)
      .flatMap((method) => variants(method, grid)),
  };
}

/** Every configuration: the components alone, then every fusion method over every pair. */
export function configurations(grid: SelectionGrid = DEFAULT_GRID): { singles: Configuration[]; fusions: FusionConfiguration[] } {
  const { lexical, dense } = components(grid);
  const fusions: FusionConfiguration[] = [];
  for (const method of SEARCH_METHOD_NAMES.filter((name) => SEARCH_METHODS[name].fusionKind !== null)) {
    const constants = SEARCH_METHODS[method].fusionKind === 'rrf' ? grid.rrfK : [DEFAULT_SEARCH.fusion.rrfK];
    for (const l of lexical) {
      for (const d of dense) {
        for (const rrfK of constants) {
          for (const denseWeight of grid.denseWeight) {
            for (const energy of grid.energyWeight) {
              const fusion: FusionParameters = { lexical: l.method, dense: d.method, depth: grid.depth, rrfK, weights: { lexical: 1, dense: denseWeight, energy } };
              const constant = SEARCH_METHODS[method].fusionKind === 'rrf' ? ` k${rrfK}` : '';
              fusions.push({
                name: `${method}[${l.name} | ${d.name} |${constant} dense${denseWeight}${energy > 0 ? ` energy${energy}` : ''}]`,
                method,
                options: { ...l.options, ...d.options, fusion },
                lexical: l,
                dense: d,
                fusion,
              });
            }
          }
        }
      }
    }
  }
  return { singles: [...lexical, ...dense], fusions };
}

/** Each fusion configuration with an energy list, and the same configuration without it. */
export function energyTwins(fusions: readonly FusionConfiguration[]): Array<{ energy: number; withEnergy: string; without: string }> {
  const key = (c: FusionConfiguration) => JSON.stringify([c.method, c.lexical.name, c.dense.name, c.fusion.rrfK, c.fusion.weights.lexical, c.fusion.weights.dense]);
  const plain = new Map(fusions.filter((c) => c.fusion.weights.energy === 0).map((c) => [key(c), c.name]));
  return fusions
    .filter((c) => c.fusion.weights.energy > 0 && plain.has(key(c)))
    .map((c) => ({ energy: c.fusion.weights.energy, withEnergy: c.name, without: plain.get(key(c))! }));
}
