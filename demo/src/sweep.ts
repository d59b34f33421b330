/**
 * The diffusion sweep heatmaps that `opticspace sweep` writes under docs/sweep/<set>/ (one SVG
 * per method and metric, `<method>-<metric>.svg`, plus `weights-<method>-<metric>.svg` for the
 * weight sweep). Vite resolves the glob at build time, so the page shows the committed results;
 * a set and a metric selector pick which heatmaps are on screen.
 */
const heatmapUrls = import.meta.glob('../../docs/sweep/**/*.svg', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

export interface Heatmap {
  /** The folder under docs/sweep/ ("cve-cwe"). */
  set: string;
  /** File name without .svg ("energy-ndcg10"). */
  name: string;
  /** The metric key ("ndcg10"), the last dash-separated part of the name. */
  metric: string;
  url: string;
}

const SWEEP_DIRECTORY = 'docs/sweep/';
const METRIC_NAMES: Record<string, string> = { ndcg: 'nDCG', mrr: 'MRR', map: 'MAP', recall: 'Recall' };

/** "ndcg10" -> "nDCG@10"; unknown keys are returned unchanged. */
export function metricLabel(metric: string): string {
  const match = /^([a-z]+)(\d+)$/.exec(metric);
  return match && METRIC_NAMES[match[1]] ? `${METRIC_NAMES[match[1]]}@${match[2]}` : metric;
}

/** A method id's label ("energy" -> "Energy"), undefined for an unknown id. */
export type MethodLabel = (id: string) => string | undefined;

/** A heatmap's caption: "Energy over eta × steps, nDCG@10" or "Energy, weight sweep, nDCG@10". */
export function heatmapCaption(heatmap: Pick<Heatmap, 'name' | 'metric'>, label: MethodLabel): string {
  const parts = heatmap.name.split('-');
  const weights = parts[0] === 'weights';
  const methodId = parts[weights ? 1 : 0];
  const method = label(methodId) ?? methodId;
  return `${method}${weights ? ', weight sweep' : ' over eta × steps'}, ${metricLabel(heatmap.metric)}`;
}

export function parseHeatmaps(urls: Readonly<Record<string, string>>): Heatmap[] {
  return Object.entries(urls)
    .map(([path, url]) => {
      const folders = path.slice(path.indexOf(SWEEP_DIRECTORY) + SWEEP_DIRECTORY.length).split('/');
      const name = folders.pop()!.replace(/\.svg$/, '');
      return { set: folders.join('/'), name, metric: name.split('-').pop()!, url };
    })
    .sort((a, b) => a.set.localeCompare(b.set) || a.name.localeCompare(b.name));
}

const DEFAULT_METRIC = 'ndcg10';

export function renderSweep(container: HTMLElement, setSelect: HTMLSelectElement, metricSelect: HTMLSelectElement, label: MethodLabel): number {
  const heatmaps = parseHeatmaps(heatmapUrls);
  container.dataset.heatmaps = String(heatmaps.length);
  if (heatmaps.length === 0) {
    setSelect.disabled = metricSelect.disabled = true;
    container.innerHTML =
      '<p class="muted">No sweep results yet. Run <code>npm run cli -- sweep --dataset datasets/cve-cwe --out docs/sweep/cve-cwe</code>; ' +
      'the heatmaps appear here on the next build of the page.</p>';
    return 0;
  }
  const options = (select: HTMLSelectElement, values: string[], label: (value: string) => string, preferred?: string): void => {
    select.replaceChildren(...values.map((value) => new Option(label(value), value)));
    if (preferred && values.includes(preferred)) select.value = preferred;
  };
  options(setSelect, [...new Set(heatmaps.map((h) => h.set))], (set) => `${SWEEP_DIRECTORY}${set}`);
  options(metricSelect, [...new Set(heatmaps.map((h) => h.metric))], metricLabel, DEFAULT_METRIC);
  const show = (): void => {
    const shown = heatmaps.filter((h) => h.set === setSelect.value && h.metric === metricSelect.value);
    container.replaceChildren(
      ...shown.map((heatmap) => {
        const figure = document.createElement('figure');
        const image = document.createElement('img');
        image.src = heatmap.url;
        image.alt = `Heatmap from ${SWEEP_DIRECTORY}${heatmap.set}: ${heatmapCaption(heatmap, label)}`;
        image.loading = 'lazy';
        const caption = document.createElement('figcaption');
        caption.textContent = heatmapCaption(heatmap, label);
        figure.append(image, caption);
        return figure;
      }),
    );
    if (shown.length === 0) container.innerHTML = '<p class="muted">This sweep has no heatmap for that metric.</p>';
  };
  setSelect.addEventListener('change', show);
  metricSelect.addEventListener('change', show);
  show();
  return heatmaps.length;
}
