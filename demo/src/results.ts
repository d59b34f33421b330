/**
 * Renders one ranked list: id, labels (CWE), snippet with matched terms, score and lambda, and
 * for a query with known answers (the seed queries) whether each hit is relevant.
 */
import type { DemoDocument } from './corpus';
import { escapeHtml, highlightSnippet } from './highlight';

export interface RankedHit {
  /** Row of the document in the corpus. */
  index: number;
  score: number;
  /** The document's taumode lambda (null when the index does not report it). */
  lambda: number | null;
}

function formatScore(score: number): string {
  return Math.abs(score) >= 100 || (Math.abs(score) < 1e-3 && score !== 0) ? score.toExponential(2) : score.toFixed(4);
}

export function renderHits(
  list: HTMLOListElement,
  hits: readonly RankedHit[],
  documents: readonly DemoDocument[],
  query: string,
  options: { scoreName: string; otherIds: ReadonlySet<number>; relevance?: Readonly<Record<string, number>> },
): void {
  if (hits.length === 0) {
    list.innerHTML = '<li class="muted">No results.</li>';
    return;
  }
  list.innerHTML = hits
    .map((hit) => {
      const document = documents[hit.index];
      const snippet = highlightSnippet(document.text, query);
      const labels = document.labels ?? (document.label ? [document.label] : []);
      const label = labels
        .map(
          (name, at) =>
            `<span class="hit-cwe"${at === 0 && document.labelName ? ` title="${escapeHtml(document.labelName)}"` : ''}>${escapeHtml(name)}${
              at === 0 && document.labelName ? ` · ${escapeHtml(document.labelName)}` : ''
            }</span>`,
        )
        .join('');
      const shared = options.otherIds.has(hit.index);
      const grade = options.relevance?.[document.id] ?? 0;
      const judged = options.relevance
        ? `<span class="judged grade-${grade}">${grade === 2 ? 'relevant' : grade === 1 ? 'related CWE' : 'not judged relevant'}</span>`
        : '';
      const lambda = hit.lambda === null ? '' : ` · λ ${hit.lambda.toFixed(3)}`;
      return (
        `<li data-id="${escapeHtml(document.id)}" data-labels="${escapeHtml(labels.join(' '))}"${shared ? ' class="shared" title="also in the other list"' : ''}>` +
        `<div class="hit-head"><span class="hit-id">${escapeHtml(document.id)}</span>${label}` +
        `<button type="button" class="hit-page" data-index="${hit.index}" aria-label="Show ${escapeHtml(document.id)} as a page image">page</button>` +
        `<span class="hit-scores">${options.scoreName} ${formatScore(hit.score)}${lambda}</span>${judged}</div>` +
        (document.title && document.title !== document.id ? `<div class="hit-title">${escapeHtml(document.title)}</div>` : '') +
        `<p class="hit-snippet">${snippet.html}</p></li>`
      );
    })
    .join('');
}
