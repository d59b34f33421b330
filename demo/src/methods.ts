/**
 * The search methods as the demo shows them. Every method, its label, help text and score
 * order come from @opticspace/index's method table (SEARCH_METHODS), the default and the
 * feedback and fusion settings from its defaults (DEFAULT_METHOD, DEFAULT_SEARCH): the search
 * worker turns them into a MethodCatalogue (describeMethods) and hands it to the page, so the
 * page never loads the index's code itself (only its types). What is the demo's own: which list
 * shows which method (the index's default first, cosine beside it, energy vs cosine one click
 * away), the selector's groups, and the sentences that explain a hit's score.
 */
import type { FusionKind, SEARCH_METHODS, SearchMethod, SearchParameters } from '@opticspace/index';
import type { SearchSettings } from './engine-protocol';

export interface MethodInfo {
  id: SearchMethod;
  /** Short name for titles and the selector ("Energy"). */
  label: string;
  /** What the method does, for someone who has never heard of it. */
  help: string;
  /** What the number beside a hit is ("distance", "cosine", "score"). */
  scoreName: string;
  /** true when a larger score ranks first. */
  higherIsBetter: boolean;
  /** The selector's group. */
  group: string;
  /** How a fusion combines its lists (null: not a fusion). */
  fusionKind: FusionKind | null;
}

/** The feedback and fusion settings the searches use (the index's defaults), for the explanations. */
export type FeedbackParameters = Pick<SearchParameters, 'fusion' | 'rm3' | 'rocchio'>;

export interface MethodCatalogue {
  /** Every method of the index's table, by group (GROUPS), in the table's order within a group. */
  methods: MethodInfo[];
  /** The index's default method: a fusion chosen by cross-validation. */
  defaultMethod: SearchMethod;
  parameters: FeedbackParameters;
}

/** The list every ranking is shown beside. */
export const BASELINE_METHOD: SearchMethod = 'cosine';
/** The seed's comparison, one click away: this method beside the baseline. */
export const COMPARED_METHOD: SearchMethod = 'energy';

/** The selector's groups, the default's first: the best results first, the seed's energy modes among the vectors. */
const GROUPS = ['Fusions of words and vectors', 'Words (lexical)', 'Vectors (LSA)'] as const;

/** Scores with a name of their own (others are a "distance" or a "score"). */
const SCORE_NAMES: Partial<Record<SearchMethod, string>> = { cosine: 'cosine', cosineRocchio: 'cosine', bm25: 'BM25', bm25Rm3: 'BM25' };

/** The catalogue of the index's methods (run where the index is loaded: the worker, tests). */
export function describeMethods(
  table: typeof SEARCH_METHODS,
  names: readonly SearchMethod[],
  defaultMethod: SearchMethod,
  parameters: FeedbackParameters,
): MethodCatalogue {
  const { fusion, rm3, rocchio } = parameters;
  const w = fusion.weights;
  const energy = w.energy > 0 ? `, plus the energy distance of the candidates (weight ${w.energy})` : '';
  // What a fusion adds up here: its two lists and their weights (the index's defaults).
  const makeUp = ` Here: ${table[fusion.lexical].label} (weight ${w.lexical}) and ${table[fusion.dense].label} (weight ${w.dense})${energy}, over each list's top ${fusion.depth}.`;
  const methods = names.map((id): MethodInfo => {
    const spec = table[id];
    const group = GROUPS[spec.fusionKind !== null ? 0 : spec.needs.vector ? 2 : 1];
    const notes = (spec.fusionKind !== null ? makeUp : '') + (id === defaultMethod ? " The index's default, chosen by cross-validation over two collections." : '');
    return {
      id,
      label: spec.label,
      help: spec.help + notes,
      scoreName: SCORE_NAMES[id] ?? (spec.order === 'distance' ? 'distance' : 'score'),
      higherIsBetter: spec.order === 'similarity',
      group,
      fusionKind: spec.fusionKind,
    };
  });
  const byGroup = (method: MethodInfo) => GROUPS.indexOf(method.group as (typeof GROUPS)[number]);
  methods.sort((a, b) => byGroup(a) - byGroup(b));
  // Plain data only: the catalogue crosses from the worker to the page.
  return { methods, defaultMethod, parameters: structuredClone({ fusion, rm3, rocchio }) };
}

export function methodInfo(catalogue: MethodCatalogue, id: string): MethodInfo | undefined {
  return catalogue.methods.find((method) => method.id === id);
}

export function formatScore(score: number): string {
  return Math.abs(score) >= 100 || (Math.abs(score) < 1e-3 && score !== 0) ? score.toExponential(2) : score.toFixed(4);
}

/** What one hit's score means, in words: the text shown on hover or focus. */
export interface ScoreContext {
  rank: number;
  score: number;
  /** The document's and the query's taumode λ (null when unknown). */
  lambda: number | null;
  queryLambda: number | null;
  settings: Pick<SearchSettings, 'alpha' | 'candidates' | 'weights'>;
}

export function explainScore(catalogue: MethodCatalogue, method: MethodInfo, c: ScoreContext): string {
  const s = formatScore(c.score);
  const lambdas =
    c.lambda !== null && c.queryLambda !== null ? ` The query's λ is ${c.queryLambda.toFixed(3)}, this document's ${c.lambda.toFixed(3)}.` : '';
  const { weights, alpha, candidates } = c.settings;
  const { fusion, rm3, rocchio } = catalogue.parameters;
  const label = (id: SearchMethod) => methodInfo(catalogue, id)?.label ?? id;
  const where = `#${c.rank} by ${method.label}. `;
  if (method.fusionKind !== null) {
    const combines: Record<FusionKind, string> = {
      rrf: `the reciprocal ranks (1 / (${fusion.rrfK} + rank)) of the document`,
      minmax: 'the min-max normalised scores of the document',
      zscore: 'the z-score normalised scores of the document',
    };
    const w = fusion.weights;
    const energy = w.energy > 0 ? ` and its energy distance (weight ${w.energy})` : '';
    return (
      `${where}Fused score ${s} (higher is better): ${combines[method.fusionKind]} in ${label(fusion.lexical)} (weight ${w.lexical}) ` +
      `and ${label(fusion.dense)} (weight ${w.dense})${energy}, added up.`
    );
  }
  switch (method.id) {
    case 'cosine':
      return `${where}Cosine similarity ${s}: the word profiles of the query and of this text point ${describeCosine(c.score)} (1 = the same profile, 0 = no word in common).`;
    case 'cosineRocchio':
      return (
        `${where}Cosine similarity ${s} with the query after feedback: its word profile moved towards the top ${rocchio.documents} ` +
        `texts of a first cosine search (weight ${rocchio.beta}), so texts like those rank higher.`
      );
    case 'bm25':
      return `${where}BM25 score ${s} (higher is better): the query's words in this text (stemmed, stop words left out), each counting more the rarer it is in the corpus; long texts count a little less.`;
    case 'bm25Rm3':
      return (
        `${where}BM25 score ${s} (higher is better) of the query grown by feedback: up to ${rm3.terms} words of the top ${rm3.documents} ` +
        `texts of a first BM25 search join the query's own words (which keep weight ${rm3.originalWeight}).`
      );
    case 'energy':
      return (
        `${where}Energy distance ${s} (lower is closer): the weighted gap between the two spectral signatures, ` +
        `λ × ${weights.lambda} + dispersion × ${weights.dispersion} + Dirichlet energy of the difference × ${weights.dirichlet}.${lambdas}`
      );
    case 'lambdaAware':
      return `${where}Score ${s} (higher is better) = ${alpha} × cosine + ${roundWeight(1 - alpha)} × λ proximity.${lambdas}`;
    case 'hybrid':
      return `${where}Energy distance ${s} (lower is closer). Cosine put this document among its ${candidates} closest; the energy distance ordered those.${lambdas}`;
    default:
      return `${where}${method.scoreName[0].toUpperCase()}${method.scoreName.slice(1)} ${s} (${method.higherIsBetter ? 'higher' : 'lower'} is better). ${method.help}`;
  }
}

function describeCosine(score: number): string {
  if (score >= 0.7) return 'almost the same way';
  if (score >= 0.4) return 'in a similar direction';
  if (score >= 0.15) return 'a little the same way';
  return 'in nearly unrelated directions';
}

function roundWeight(value: number): number {
  return Math.round(value * 1000) / 1000;
}
