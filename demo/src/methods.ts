/**
 * The search methods the demo offers, as one list of {id, label, help}: the method selector,
 * the list titles, the help line and the score explanations all read it. Today it names the
 * four methods of @opticspace/index; when the index exports its own method table, this list
 * becomes that table and only `explainScore` needs a case for a new method (others get a
 * generic sentence).
 */
import type { SearchMethod } from '@opticspace/index';
import type { SearchSettings } from './engine-protocol';

export interface MethodInfo {
  id: SearchMethod;
  /** Short name for titles and the selector ("Energy distance"). */
  label: string;
  /** One or two sentences for someone who has never heard of the method. */
  help: string;
  /** What the number beside a hit is ("distance", "cosine", "score"). */
  scoreName: string;
  /** true when a larger score ranks first. */
  higherIsBetter: boolean;
}

export const METHODS: readonly MethodInfo[] = [
  {
    id: 'energy',
    label: 'Energy distance',
    help:
      'Ranks by how alike the spectral signatures of the query and a document are: λ (how smoothly the text spreads over ' +
      'the graph of related features), its dispersion G, and the Dirichlet energy of their difference. Lower is closer. ' +
      'On its own it is a weak relevance signal.',
    scoreName: 'distance',
    higherIsBetter: false,
  },
  {
    id: 'lambdaAware',
    label: 'Lambda-aware',
    help: 'Mostly cosine similarity, nudged towards documents whose λ is close to the query\'s: alpha × cosine + (1 − alpha) × λ proximity. Higher is better.',
    scoreName: 'score',
    higherIsBetter: true,
  },
  {
    id: 'hybrid',
    label: 'Hybrid',
    help: 'Cosine picks the M closest documents, then the energy distance re-orders them. Lower distance is closer.',
    scoreName: 'distance',
    higherIsBetter: false,
  },
  {
    id: 'cosine',
    label: 'Cosine',
    help: 'The usual baseline: the angle between the query\'s and the document\'s word-profile vectors (TF-IDF + LSA). 1 is the same profile, 0 shares nothing.',
    scoreName: 'cosine',
    higherIsBetter: true,
  },
];

/** The list every other method is shown beside. */
export const BASELINE_METHOD: SearchMethod = 'cosine';
/** What the page searches with when the address names no method. */
export const DEFAULT_METHOD: SearchMethod = 'energy';

export function methodInfo(id: string): MethodInfo | undefined {
  return METHODS.find((method) => method.id === id);
}

/** The methods the selector offers beside the baseline. */
export function comparedMethods(): MethodInfo[] {
  return METHODS.filter((method) => method.id !== BASELINE_METHOD);
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

export function explainScore(method: MethodInfo, c: ScoreContext): string {
  const s = formatScore(c.score);
  const lambdas =
    c.lambda !== null && c.queryLambda !== null ? ` The query's λ is ${c.queryLambda.toFixed(3)}, this document's ${c.lambda.toFixed(3)}.` : '';
  const { weights, alpha, candidates } = c.settings;
  const where = `#${c.rank} by ${method.label}. `;
  switch (method.id) {
    case 'cosine':
      return `${where}Cosine similarity ${s}: the word profiles of the query and of this text point ${describeCosine(c.score)} (1 = the same profile, 0 = no word in common).`;
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
