/**
 * The diffusion sweep heatmaps that `opticspace sweep` writes to docs/sweep/*.svg. Vite
 * resolves the glob at build time, so the page shows whichever heatmaps exist then.
 */
const heatmaps = import.meta.glob('../../docs/sweep/*.svg', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

function captionOf(path: string): string {
  return path.split('/').pop()!.replace(/\.svg$/, '').replace(/[-_]+/g, ' ');
}

export function renderSweep(container: HTMLElement): number {
  const entries = Object.entries(heatmaps).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) {
    container.innerHTML =
      '<p class="muted">No sweep results yet. Run <code>pnpm cli sweep</code> to write heatmaps to <code>docs/sweep/</code>; they appear here on the next build of the page.</p>';
    return 0;
  }
  container.replaceChildren(
    ...entries.map(([path, url]) => {
      const figure = document.createElement('figure');
      const image = document.createElement('img');
      image.src = url;
      image.alt = `Sweep heatmap: ${captionOf(path)}`;
      image.loading = 'lazy';
      const caption = document.createElement('figcaption');
      caption.textContent = captionOf(path);
      figure.append(image, caption);
      return figure;
    }),
  );
  return entries.length;
}
