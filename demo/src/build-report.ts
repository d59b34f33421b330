/** The build report: backend, sizes of the graph and the files, and where the time went. */
import type { EngineSummary } from './engine-protocol';
import { formatBytes, formatMs, stageLabel } from './progress';
import type { ReportEntries } from './report';

const EMBEDDER_ORIGIN: Record<EngineSummary['embedder'], string> = {
  shipped: 'fitted when the page was built, shipped with the corpus',
  fitted: 'fitted in this tab',
  saved: 'saved with the index',
};

export function buildReportEntries(s: EngineSummary, pageMs: number | undefined): ReportEntries {
  const r = s.report;
  const entries: Array<readonly [string, string | number]> = [
    ['backend', `${s.backend.kind === 'webgpu' ? 'WebGPU' : 'TypeScript (CPU)'}: ${s.backend.adapter}`],
    ['shader-f16', s.gpu.available ? (s.gpu.shaderF16 ? 'available' : 'not available (f32 kernels)') : 'n/a'],
    ['documents N', r.items],
    ['embedding', `LSA, ${s.dims} dims, vocabulary ${s.vocabulary.toLocaleString()} terms; ${EMBEDDER_ORIGIN[s.embedder]}${s.embedderNote ? ` (${s.embedderNote})` : ''}`],
    ['features F / F\'', `${r.features} / ${r.projectedFeatures}`],
    ['clusters X / after split X\'', `${r.clusters} / ${r.subCentroids} (${r.splits} split)`],
    ['eta requested / used', `${r.etaRequested} / ${r.etaUsed.toPrecision(4)}`],
    ['diffusion steps', r.steps],
    ['edges L0 / Le', `${r.edges.bootstrap} / ${r.edges.energy}`],
    ['tau', r.tau.toPrecision(4)],
    ['degenerate items', r.degenerateItems.length],
    ['seed', r.seed],
  ];
  if (s.loadedFromStorage) entries.push(['loaded from storage', `${formatMs(s.indexMs)} (no rebuild)`]);
  else entries.push([s.embedder === 'shipped' ? 'embedding decoded' : 'embed (fit + documents)', formatMs(s.embedMs)]);
  // Stage times of the build (for a loaded index: of the build that made it).
  for (const [stage, ms] of Object.entries(r.timings)) entries.push([stageLabel(stage), formatMs(ms ?? 0)]);
  entries.push(['index build total', formatMs(r.totalMs)]);
  if (pageMs !== undefined) entries.push(['ready after', formatMs(pageMs)]);
  entries.push(['index size', formatBytes(s.indexBytes)], ['embedder size', formatBytes(s.embedderBytes)]);
  return entries;
}
