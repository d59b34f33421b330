/** A definition list of label/value pairs: the build report and the optical metrics. */
export type ReportEntries = ReadonlyArray<readonly [label: string, value: string | number]>;

export function renderReport(list: HTMLElement, entries: ReportEntries): void {
  list.replaceChildren();
  for (const [label, value] of entries) {
    const term = document.createElement('dt');
    term.textContent = label;
    const detail = document.createElement('dd');
    detail.textContent = String(value);
    detail.dataset.key = label;
    list.append(term, detail);
  }
}
