/**
 * Renders one ranked list. Each hit: its id linked to the public record (NVD, MITRE), every
 * label (CWE) with its name, a snippet with the query's terms marked, the score with a
 * sentence that explains it (shown on hover and focus, and read as the link's description),
 * whether the other list has the same document, and, for a query with known answers (the
 * seed queries), whether the hit is relevant.
 */
import type { DemoDocument } from './corpus';
import { escapeHtml, highlightSnippet } from './highlight';
import { recordUrl } from './links';
import { formatScore, type MethodInfo } from './methods';

export interface RankedHit {
  /** Row of the document in the corpus. */
  index: number;
  score: number;
}

export interface HitListOptions {
  /** Prefix for element ids in this list ("primary", "baseline"). */
  listId: string;
  method: MethodInfo;
  /** The list shown beside this one: its title and the rank (1-based) of each document in it. */
  other: { label: string; ranks: ReadonlyMap<number, number> };
  relevance?: Readonly<Record<string, number>>;
  labelNames?: Readonly<Record<string, string>>;
  explain: (hit: RankedHit, rank: number) => string;
}

export function documentLabels(document: DemoDocument): string[] {
  return document.labels ?? (document.label ? [document.label] : []);
}

const NEW_TAB = '<span class="visually-hidden"> (opens in a new tab)</span>';

function link(id: string, describedBy?: string): string {
  const url = recordUrl(id);
  const description = describedBy ? ` aria-describedby="${describedBy}"` : '';
  if (!url) return `<span class="hit-id" tabindex="-1"${description}>${escapeHtml(id)}</span>`;
  return `<a class="hit-id" href="${url}" target="_blank" rel="noopener noreferrer"${description}>${escapeHtml(id)}${NEW_TAB}</a>`;
}

function labelList(labels: readonly string[], names: Readonly<Record<string, string>> | undefined): string {
  if (labels.length === 0) return '';
  const items = labels.map((label) => {
    const url = recordUrl(label);
    const name = names?.[label];
    const id = url ? `<a href="${url}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}${NEW_TAB}</a>` : escapeHtml(label);
    return `<li>${id}${name ? ` <span class="cwe-name">${escapeHtml(name)}</span>` : ''}</li>`;
  });
  return `<ul class="hit-labels" aria-label="Weakness classes">${items.join('')}</ul>`;
}

const GRADES: Record<number, string> = { 2: 'relevant', 1: 'related CWE', 0: 'not judged relevant' };

/** `marks`: the words to mark in the snippets (lower case), as the search worker found them. */
export function renderHits(list: HTMLOListElement, hits: readonly RankedHit[], documents: readonly DemoDocument[], marks: ReadonlySet<string>, options: HitListOptions): void {
  list.innerHTML = hits
    .map((hit, at) => {
      const rank = at + 1;
      const document = documents[hit.index];
      const labels = documentLabels(document);
      const explainId = `explain-${options.listId}-${rank}`;
      const otherRank = options.other.ranks.get(hit.index);
      const both = otherRank === undefined ? '' : `<span class="tag both">also #${otherRank} in ${escapeHtml(options.other.label)}</span>`;
      const grade = options.relevance?.[document.id] ?? 0;
      const judged = options.relevance ? `<span class="tag judged grade-${grade}">${GRADES[grade]}</span>` : '';
      const title = document.title && document.title !== document.id ? `<div class="hit-title">${escapeHtml(document.title)}</div>` : '';
      return (
        `<li class="hit${otherRank === undefined ? '' : ' shared'}" data-id="${escapeHtml(document.id)}" data-labels="${escapeHtml(labels.join(' '))}">` +
        `<div class="hit-head">${link(document.id, explainId)}` +
        `<span class="hit-score">${options.method.scoreName} ${formatScore(hit.score)}</span>${both}${judged}</div>` +
        title +
        labelList(labels, options.labelNames) +
        `<p class="hit-snippet"><button type="button" class="hit-page" data-index="${hit.index}" aria-label="Page image of ${escapeHtml(document.id)}">Page image</button>` +
        `${highlightSnippet(document.text, marks).html}</p>` +
        `<p class="hit-explain" id="${explainId}">${escapeHtml(options.explain(hit, rank))}</p></li>`
      );
    })
    .join('');
}

/** Document row -> 1-based rank in a list. */
export function rankMap(hits: readonly RankedHit[]): Map<number, number> {
  return new Map(hits.map((hit, at) => [hit.index, at + 1]));
}
