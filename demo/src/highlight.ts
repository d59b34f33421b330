/**
 * Snippets with the query's terms marked. Which words to mark the search worker says (it has
 * the tokenizer: lower case, stop words dropped, Porter stems, as the embedder and BM25 see
 * them), so "injections" in a document lights up for the query "SQL injection"; the page only
 * finds those words.
 */

export interface Snippet {
  /** HTML: escaped text with <mark> around matched words. */
  html: string;
  matchedTerms: string[];
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text as the highlighter and the tokenizer split it. */
export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface WordSpan {
  start: number;
  end: number;
  matched: boolean;
}

function wordSpans(text: string, marks: ReadonlySet<string>): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(WORD)) {
    spans.push({ start: match.index!, end: match.index! + match[0].length, matched: marks.has(match[0].toLowerCase()) });
  }
  return spans;
}

/** The window of `maxChars` around the densest run of marked words (`marks`: lower case), with them marked. */
export function highlightSnippet(text: string, marks: ReadonlySet<string>, maxChars = 420): Snippet {
  const spans = wordSpans(text, marks);
  const matches = spans.filter((span) => span.matched);
  // Slide a window over the matches and keep the start that covers the most of them.
  let windowStart = 0;
  let best = -1;
  for (let first = 0; first < matches.length; first++) {
    let count = 0;
    for (let other = first; other < matches.length && matches[other].end - matches[first].start <= maxChars; other++) count++;
    if (count > best) {
      best = count;
      windowStart = Math.max(0, matches[first].start - 40);
    }
  }
  if (windowStart > 0) {
    const wordStart = spans.find((span) => span.start >= windowStart);
    windowStart = wordStart ? wordStart.start : windowStart;
  }
  const windowEnd = Math.min(text.length, windowStart + maxChars);
  let html = windowStart > 0 ? '…' : '';
  let cursor = windowStart;
  const matchedTerms = new Set<string>();
  for (const span of matches) {
    if (span.start < windowStart || span.end > windowEnd) continue;
    html += escapeHtml(text.slice(cursor, span.start)) + `<mark>${escapeHtml(text.slice(span.start, span.end))}</mark>`;
    matchedTerms.add(text.slice(span.start, span.end).toLowerCase());
    cursor = span.end;
  }
  html += escapeHtml(text.slice(cursor, windowEnd)) + (windowEnd < text.length ? '…' : '');
  return { html, matchedTerms: [...matchedTerms] };
}
