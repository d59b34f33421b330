/**
 * Keyboard moves through the results: ArrowDown from the query box enters the shown list;
 * ArrowUp/ArrowDown (Home/End) move within a list, ArrowLeft/ArrowRight to the same rank of
 * the left/right list, Escape (or ArrowUp on the first hit) back to the box. The focused hit is its
 * id link (Enter opens the record); its score explanation is the link's description.
 */
export interface ResultKeysOptions {
  query: HTMLInputElement;
  lists: readonly [HTMLOListElement, HTMLOListElement];
  /** Which list ArrowDown from the box enters (on a phone: the one on screen). */
  shownList: () => 0 | 1;
  /** Brings a list on screen (on a phone the lists are a toggle). */
  showList: (which: 0 | 1) => void;
}

function hits(list: HTMLOListElement): HTMLLIElement[] {
  return [...list.querySelectorAll<HTMLLIElement>(':scope > li.hit')];
}

function focusHit(hit: HTMLLIElement | undefined): boolean {
  const target = hit?.querySelector<HTMLElement>('.hit-id');
  if (!target) return false;
  target.focus();
  target.scrollIntoView({ block: 'nearest' });
  return true;
}

export function setupResultKeys({ query, lists, shownList, showList }: ResultKeysOptions): void {
  query.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && focusHit(hits(lists[shownList()])[0])) event.preventDefault();
  });
  lists.forEach((list, which) => {
    list.addEventListener('keydown', (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const current = (event.target as HTMLElement).closest<HTMLLIElement>('li.hit');
      if (!current) return;
      const items = hits(list);
      const at = items.indexOf(current);
      let moved = true;
      switch (event.key) {
        case 'ArrowDown':
          focusHit(items[Math.min(at + 1, items.length - 1)]);
          break;
        case 'ArrowUp':
          if (at === 0) query.focus();
          else focusHit(items[at - 1]);
          break;
        case 'Home':
          focusHit(items[0]);
          break;
        case 'End':
          focusHit(items[items.length - 1]);
          break;
        case 'ArrowLeft':
        case 'ArrowRight': {
          // The left list is 0, the right one 1 (on a phone: the toggle's first and second button).
          const other = event.key === 'ArrowRight' ? 1 : 0;
          const otherItems = hits(lists[other]);
          if (other === which || otherItems.length === 0) break;
          showList(other);
          focusHit(otherItems[Math.min(at, otherItems.length - 1)]);
          break;
        }
        case 'Escape':
          query.focus();
          query.select();
          break;
        default:
          moved = false;
      }
      if (moved) event.preventDefault();
    });
  });
}
