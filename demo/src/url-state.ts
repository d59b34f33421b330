/**
 * The shareable part of the page's state in its address: `?q=<query>&method=<id>&k=<count>`.
 * Other parameters (?backend=cpu, ?storage=indexeddb) and the tab's #hash are kept.
 */
export interface SearchUrlState {
  q: string;
  method?: string;
  k?: string;
}

export function readSearchUrl(href: string = location.href): SearchUrlState {
  const params = new URL(href).searchParams;
  return { q: params.get('q') ?? '', method: params.get('method') ?? undefined, k: params.get('k') ?? undefined };
}

/** The address with the search state replaced; empty values are left out. */
export function searchUrl(href: string, state: SearchUrlState): string {
  const url = new URL(href);
  for (const [name, value] of Object.entries(state)) {
    if (value === undefined || value === '') url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url.toString();
}

export function writeSearchUrl(state: SearchUrlState): void {
  const next = searchUrl(location.href, state);
  if (next !== location.href) history.replaceState(history.state, '', next);
}
