/**
 * The search card's result area in each of its states: building (a progress bar and the stage
 * under the box), empty query, no match, blocked by an invalid setting, and results (two lists
 * side by side on a wide screen, a two-button toggle on a phone). The status line under the box
 * says which state it is in words.
 */
import type { DemoDocument } from './corpus';
import { rankMap, renderHits, type RankedHit } from './results';
import { explainScore, type MethodCatalogue, type MethodInfo } from './methods';
import type { SearchSettings } from './engine-protocol';
import { formatMs } from './progress';

export type ResultState = 'building' | 'empty' | 'no-match' | 'blocked' | 'failed' | 'results';

export interface ListResult {
  method: MethodInfo;
  hits: RankedHit[];
  ms: number;
}

export interface ShownSearch {
  query: string;
  /** Words to mark in the snippets (lower case). */
  marks: readonly string[];
  methods: MethodCatalogue;
  primary: ListResult;
  baseline: ListResult;
  documents: readonly DemoDocument[];
  labelNames?: Readonly<Record<string, string>>;
  /** Document id -> grade, for a query with known answers. */
  relevance?: Readonly<Record<string, number>>;
  lambda: Float32Array;
  queryLambda: number;
  settings: SearchSettings;
}

/** The phone layout's breakpoint (style.css has the same width). */
const PHONE_LAYOUT = '(max-width: 820px)';

export function isPhoneLayout(): boolean {
  return matchMedia(PHONE_LAYOUT).matches;
}

/** Calls `listener` when the page switches between the phone and the wide layout. */
export function onLayoutChange(listener: () => void): void {
  matchMedia(PHONE_LAYOUT).addEventListener('change', listener);
}
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export class SearchView {
  private readonly query = $<HTMLInputElement>('query');
  private readonly statusText = $<HTMLSpanElement>('search-status-text');
  private readonly progress = $<HTMLProgressElement>('build-progress');
  private readonly message = $<HTMLParagraphElement>('results-message');
  private readonly results = $<HTMLDivElement>('results');
  private readonly legendJudged = $<HTMLLIElement>('legend-judged');
  private readonly switches = [$<HTMLButtonElement>('show-primary'), $<HTMLButtonElement>('show-baseline')] as const;
  private readonly grid = document.querySelector<HTMLDivElement>('.results-grid')!;
  readonly lists = [$<HTMLOListElement>('primary-results'), $<HTMLOListElement>('baseline-results')] as const;
  private readonly titles = [$<HTMLSpanElement>('primary-title'), $<HTMLSpanElement>('baseline-title')] as const;
  private readonly latencies = [$<HTMLSpanElement>('primary-latency'), $<HTMLSpanElement>('baseline-latency')] as const;
  private readonly placeholder = this.query.placeholder;
  /** What the status line says once the index is ready (and no results are shown). */
  private readyText = '';
  state: ResultState = 'building';

  constructor() {
    this.switches.forEach((button, which) => button.addEventListener('click', () => this.showList(which as 0 | 1)));
  }

  /** The index is being built: the box stays usable, the bar and the stage say how far it is. */
  building(progress: { done: number; total: number; running: string | null }): void {
    // Results of the previous index stay until the new one answers the same query.
    if (this.state !== 'results') {
      this.set('building');
      this.show('The index is being built in this tab. Type your query now: the results appear as soon as it is ready.');
    }
    this.query.placeholder = 'Building the index… you can type already';
    this.query.classList.add('building');
    this.progress.hidden = false;
    // Indeterminate until a step is done (reading the corpus has no known length).
    if (progress.done === 0) this.progress.removeAttribute('value');
    else this.progress.value = progress.done / progress.total;
    const stage = progress.running ? `: ${progress.running.toLowerCase()}` : '';
    const steps = progress.total > 1 ? ` (step ${Math.min(progress.done + 1, progress.total)} of ${progress.total})` : '';
    this.statusText.textContent = `Building the index${stage}${steps}. Results appear as soon as it is ready.`;
  }

  /** The index is ready: the status line says what was indexed and where. */
  ready(description: string): void {
    this.query.placeholder = this.placeholder;
    this.query.classList.remove('building');
    this.progress.hidden = true;
    this.readyText = description;
    this.statusText.textContent = description;
  }

  empty(documents: number): void {
    this.set('empty');
    this.show(
      `Type to search the ${documents.toLocaleString()} documents: results update as you type (Enter searches at once). ` +
        'Press / to come back to the box from anywhere and ↓ to move into the results.',
    );
  }

  noMatch(query: string, reason: string): void {
    this.set('no-match');
    this.show(`No match for “${query}”: ${reason}. Try other words or one of the examples.`);
  }

  /** A setting is invalid (its message is beside it): no search until it is fixed. */
  blocked(problem: string): void {
    this.set('blocked');
    this.show(`No search while ${problem}: fix the value marked in red.`);
  }

  /** The search itself failed (its message is under the box): no stale results stay on screen. */
  failed(query: string): void {
    this.set('failed');
    this.show(`No results for “${query}”: the search failed (the reason is under the box).`);
  }

  showResults(search: ShownSearch): string {
    this.set('results');
    this.message.hidden = true;
    this.results.hidden = false;
    const lists = [search.primary, search.baseline];
    const ranks = lists.map((list) => rankMap(list.hits));
    const marks = new Set(search.marks);
    lists.forEach((list, which) => {
      const other = lists[1 - which];
      renderHits(this.lists[which], list.hits, search.documents, marks, {
        listId: which === 0 ? 'primary' : 'baseline',
        method: list.method,
        other: { label: other.method.label, ranks: ranks[1 - which] },
        relevance: search.relevance,
        labelNames: search.labelNames,
        explain: (hit, rank) =>
          explainScore(search.methods, list.method, {
            rank,
            score: hit.score,
            lambda: search.lambda[hit.index] ?? null,
            queryLambda: search.queryLambda,
            settings: search.settings,
          }),
      });
      this.titles[which].textContent = list.method.label;
      const relevant = search.relevance
        ? ` · ${list.hits.filter((hit) => (search.relevance![search.documents[hit.index].id] ?? 0) > 0).length}/${list.hits.length} relevant`
        : '';
      this.latencies[which].textContent = `${formatMs(list.ms)}${relevant}`;
    });
    this.legendJudged.hidden = !search.relevance;
    const shared = search.primary.hits.filter((hit) => ranks[1].has(hit.index)).length;
    lists.forEach((list, which) => (this.switches[which].textContent = `${list.method.label} (${list.hits.length}, ${shared} in both)`));
    const summary =
      `${search.primary.hits.length} results per list for “${search.query}”; ${shared} ${shared === 1 ? 'document is' : 'documents are'} in both lists` +
      ` (marked “also #n”).`;
    this.statusText.textContent = summary;
    return summary;
  }

  /** Which list is on screen for keyboard entry: on a phone the toggle decides, otherwise the left one. */
  shownList(): 0 | 1 {
    return isPhoneLayout() ? (Number(this.grid.dataset.shown) as 0 | 1) : 0;
  }

  showList(which: 0 | 1): void {
    this.grid.dataset.shown = String(which);
    this.switches.forEach((button, at) => button.setAttribute('aria-pressed', String(at === which)));
  }

  private set(state: ResultState): void {
    this.state = state;
    this.grid.closest('.search-card')!.setAttribute('data-state', state);
  }

  private show(text: string): void {
    if (this.readyText && this.progress.hidden) this.statusText.textContent = this.readyText;
    this.results.hidden = true;
    for (const list of this.lists) list.replaceChildren();
    this.message.hidden = false;
    this.message.textContent = text;
  }
}
