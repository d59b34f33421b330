/** ARIA tabs: click or arrow keys (Home/End too) switch panels; the URL hash remembers the tab. */
export function setupTabs(tablist: HTMLElement, onChange?: (panelId: string) => void): void {
  const tabs = [...tablist.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (tab: HTMLButtonElement, focus: boolean): void => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute('aria-controls')!)!.hidden = !selected;
    }
    if (focus) tab.focus();
    const panelId = tab.getAttribute('aria-controls')!;
    history.replaceState(null, '', `#${tab.id.replace(/^tab-/, '')}`);
    onChange?.(panelId);
  };
  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (event) => {
      const at = tabs.indexOf(tab);
      const next =
        event.key === 'ArrowRight' ? tabs[(at + 1) % tabs.length]
        : event.key === 'ArrowLeft' ? tabs[(at - 1 + tabs.length) % tabs.length]
        : event.key === 'Home' ? tabs[0]
        : event.key === 'End' ? tabs[tabs.length - 1]
        : null;
      if (next) {
        event.preventDefault();
        select(next, true);
      }
    });
  }
  const fromHash = tabs.find((tab) => tab.id === `tab-${location.hash.slice(1)}`);
  if (fromHash) select(fromHash, false);
}
