/**
 * The opticspace demo, top to bottom: find the GPU, load a saved index or the CVE corpus,
 * build the energy index in a worker with a progress bar per stage, then search with the
 * energy (or lambda-aware / hybrid) ranking beside cosine.
 */
import type { SearchMethod as IndexSearchMethod } from '@opticspace/index';

/** The dense methods this page compares (the vector-only methods of the index's method table). */
type SearchMethod = Extract<IndexSearchMethod, 'energy' | 'lambdaAware' | 'hybrid' | 'cosine'>;
import { corpusFromFiles, documentText, fetchCveCorpus, type DemoCorpus, type DemoDocument } from './corpus';
import { SearchEngineClient } from './engine';
import type { EngineSummary, GpuProbe, SearchResponse } from './engine-protocol';
import { buildReportEntries } from './build-report';
import { formatBytes, formatMs, StageList } from './progress';
import { buildSettings, searchSettings } from './settings';
import { renderReport } from './report';
import { renderHits } from './results';
import { forgetSavedIndex, readSavedIndex, saveIndex } from './saved-index';
import { openBlobStore, type BlobStore } from './storage';
import { renderSweep } from './sweep';
import { setupTabs } from './tabs';

/** What the e2e tests read: the page's state, the last build and the last search. */
export interface DemoTestHooks {
  state: 'starting' | 'building' | 'ready' | 'error';
  error?: string;
  gpu?: GpuProbe;
  summary?: Omit<EngineSummary, 'lambda'>;
  storage?: BlobStore['kind'];
  builds: number;
  loads: number;
  /** Page-side wall time of the last build (corpus to searchable), ms. */
  lastBuildMs?: number;
  lastSearch?: { query: string; method: SearchMethod; ids: Record<string, Array<{ id: string; labels: string[] }>>; response: SearchResponse };
  saved?: boolean;
}

declare global {
  interface Window {
    __demo: DemoTestHooks;
  }
}

const $ = <T extends HTMLElement>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`demo markup is missing ${selector}`);
  return element;
};

const hooks: DemoTestHooks = { state: 'starting', builds: 0, loads: 0 };
window.__demo = hooks;

const ui = {
  badge: $<HTMLParagraphElement>('#backend-badge'),
  fallback: $<HTMLParagraphElement>('#fallback-banner'),
  corpusSummary: $<HTMLParagraphElement>('#corpus-summary'),
  corpusError: $<HTMLParagraphElement>('#corpus-error'),
  corpusFiles: $<HTMLInputElement>('#corpus-files'),
  corpusFolder: $<HTMLInputElement>('#corpus-folder'),
  corpusReset: $<HTMLButtonElement>('#corpus-reset'),
  dropZone: $<HTMLDivElement>('#drop-zone'),
  stages: new StageList($<HTMLOListElement>('#build-stages')),
  report: $<HTMLDListElement>('#build-report'),
  save: $<HTMLButtonElement>('#save-index'),
  forget: $<HTMLButtonElement>('#forget-index'),
  storageStatus: $<HTMLParagraphElement>('#storage-status'),
  searchForm: $<HTMLFormElement>('#search-form'),
  query: $<HTMLInputElement>('#query'),
  method: $<HTMLSelectElement>('#method'),
  searchButton: $<HTMLButtonElement>('#search-button'),
  examples: [...document.querySelectorAll<HTMLButtonElement>('button.example')],
  energyTitle: $<HTMLSpanElement>('#energy-title'),
  energyLatency: $<HTMLSpanElement>('#energy-latency'),
  cosineLatency: $<HTMLSpanElement>('#cosine-latency'),
  energyResults: $<HTMLOListElement>('#energy-results'),
  cosineResults: $<HTMLOListElement>('#cosine-results'),
  controls: $<HTMLFormElement>('#controls'),
  rebuild: $<HTMLButtonElement>('#rebuild'),
};

const METHOD_TITLES: Record<SearchMethod, string> = {
  energy: 'Energy',
  lambdaAware: 'Lambda-aware',
  hybrid: 'Hybrid',
  cosine: 'Cosine',
};
const METHOD_HELP: Record<SearchMethod, string> = {
  energy:
    'Energy: distance between spectral signatures (taumode λ, dispersion G and the Dirichlet energy of the difference over the ' +
    'energy graph); lower is closer. On its own it is a weak relevance signal; it shines as a re-ranking term (hybrid).',
  lambdaAware: 'Lambda-aware: alpha × cosine + (1 − alpha) × λ proximity; higher is better.',
  hybrid: 'Hybrid: cosine picks the top M candidates, the energy distance re-ranks them; lower is closer.',
  cosine: '',
};
const SCORE_NAMES: Record<SearchMethod, string> = { energy: 'distance', hybrid: 'distance', lambdaAware: 'score', cosine: 'cos' };

const engine = new SearchEngineClient();
let store: BlobStore | null = null;
let corpus: DemoCorpus | null = null;
let summary: EngineSummary | null = null;
let busy = false;
/** A corpus (or rebuild) asked for while a build runs: built as soon as that one ends. */
let queued: DemoCorpus | null = null;

function setReady(ready: boolean): void {
  for (const control of [ui.query, ui.searchButton, ui.save, ui.rebuild, ...ui.examples]) control.disabled = !ready;
  ui.forget.disabled = !store;
}

function showGpu(gpu: GpuProbe, backend?: EngineSummary['backend']): void {
  const onGpu = backend ? backend.kind === 'webgpu' : gpu.available;
  ui.badge.className = `badge ${onGpu ? 'gpu' : 'cpu'}`;
  ui.badge.textContent = onGpu ? `WebGPU: ${backend?.adapter ?? gpu.detail}` : 'CPU fallback (TypeScript)';
  if (!gpu.available) {
    ui.fallback.hidden = false;
    ui.fallback.textContent =
      `WebGPU is not available here (${gpu.detail}). The demo runs on the TypeScript fallback: ` +
      'the same index and the same results, computed in TypeScript on the CPU.';
  } else if (backend?.kind === 'cpu') {
    ui.fallback.hidden = false;
    ui.fallback.textContent = 'The index runs on the TypeScript (CPU) backend because ?backend=cpu is in the address.';
  } else {
    ui.fallback.hidden = true;
  }
}

/** The example buttons explain which CWE answers them when the corpus knows. */
function describeExamples(current: DemoCorpus): void {
  for (const button of ui.examples) {
    const judged = current.examples?.find((example) => example.text === button.dataset.query);
    if (judged?.why) button.title = judged.why;
    else button.removeAttribute('title');
  }
}

function describeCorpus(current: DemoCorpus, note = ''): void {
  describeExamples(current);
  const labels = new Set(current.documents.flatMap((d) => d.labels ?? (d.label ? [d.label] : []))).size;
  ui.corpusSummary.textContent =
    `${current.name}: ${current.documents.length.toLocaleString()} documents` +
    (labels > 0 ? ` in ${labels} classes` : '') +
    `. Source: ${current.source}.${note ? ' ' + note : ''}`;
}

function showSummary(next: EngineSummary, pageMs?: number): void {
  summary = next;
  const { lambda: _lambda, ...rest } = next;
  hooks.summary = rest;
  hooks.gpu = next.gpu;
  showGpu(next.gpu, next.backend);
  renderReport(ui.report, buildReportEntries(next, pageMs));
}

function fail(where: string, error: unknown): void {
  const message = `${where}: ${(error as Error).message ?? String(error)}`;
  ui.corpusError.hidden = false;
  ui.corpusError.textContent = message;
  hooks.error = message;
}

async function build(next: DemoCorpus): Promise<void> {
  if (busy) {
    queued = next;
    ui.storageStatus.textContent = `${next.name} is next: it is indexed when the current build ends.`;
    return;
  }
  busy = true;
  setReady(false);
  hooks.state = 'building';
  ui.corpusError.hidden = true;
  const started = performance.now();
  try {
    const settings = buildSettings(ui.controls);
    describeCorpus(next);
    ui.stages.reset(['fit', 'embed', 'projection', 'clustering', 'opticalCompression', 'bootstrapGraph', 'diffusion', 'splitting', 'energyGraph', 'upload', 'signatures']);
    ui.stages.markNextRunning();
    const texts = next.documents.map(documentText);
    const built = await engine.build(texts, settings, (stage, fraction, ms, done) => {
      const row = ui.stages.stage(stage);
      if (done) {
        row.done(ms ?? 0);
        ui.stages.markNextRunning();
      } else row.set(fraction, ms);
    });
    ui.stages.finish();
    corpus = next;
    hooks.lastBuildMs = performance.now() - started;
    showSummary(built, hooks.lastBuildMs);
    ui.storageStatus.textContent = 'Built in this tab. Save it to skip the build next time.';
    hooks.builds += 1;
    hooks.state = 'ready';
    ui.energyResults.replaceChildren();
    ui.cosineResults.replaceChildren();
  } catch (error) {
    hooks.state = corpus ? 'ready' : 'error';
    fail('Building the index failed', error);
  } finally {
    busy = false;
    setReady(corpus !== null);
  }
  if (queued) {
    const waiting = queued;
    queued = null;
    await build(waiting);
  }
}

async function runSearch(query: string): Promise<void> {
  if (!corpus || !summary || busy || query.trim() === '') return;
  const method = ui.method.value as SearchMethod;
  try {
    const settings = searchSettings(ui.controls);
    // A small dropped corpus can hold fewer documents than k.
    settings.k = Math.min(settings.k, corpus.documents.length);
    const response = await engine.search(query, [method, 'cosine'], settings);
    const [primary, cosine] = response.results;
    const judged = corpus.examples?.find((example) => example.text === query.trim());
    const relevantCount = (hits: Array<{ index: number }>): string =>
      judged ? ` · ${hits.filter((h) => (judged.relevant[corpus!.documents[h.index].id] ?? 0) > 0).length}/${hits.length} relevant` : '';
    const lambdaOf = (index: number): number => summary!.lambda[index];
    const primaryIds = new Set(primary.hits.map((h) => h.index));
    const cosineIds = new Set(cosine.hits.map((h) => h.index));
    ui.energyTitle.textContent = METHOD_TITLES[method];
    ui.energyLatency.textContent = `${formatMs(primary.searchMs + response.embedMs)} · query λ ${response.queryLambda.toFixed(3)}${relevantCount(primary.hits)}`;
    ui.cosineLatency.textContent = `${formatMs(cosine.searchMs + response.embedMs)}${relevantCount(cosine.hits)}`;
    renderHits(ui.energyResults, primary.hits.map((h) => ({ ...h, lambda: lambdaOf(h.index) })), corpus.documents, query, {
      scoreName: SCORE_NAMES[method],
      otherIds: cosineIds,
      relevance: judged?.relevant,
    });
    renderHits(ui.cosineResults, cosine.hits.map((h) => ({ ...h, lambda: lambdaOf(h.index) })), corpus.documents, query, {
      scoreName: SCORE_NAMES.cosine,
      otherIds: primaryIds,
      relevance: judged?.relevant,
    });
    const ids = (hits: Array<{ index: number }>) =>
      hits.map((h) => {
        const document = corpus!.documents[h.index];
        return { id: document.id, labels: document.labels ?? (document.label ? [document.label] : []) };
      });
    hooks.lastSearch = { query, method, ids: { [method]: ids(primary.hits), cosine: ids(cosine.hits) }, response };
  } catch (error) {
    fail('Search failed', error);
  }
}

async function loadCorpusFiles(files: File[]): Promise<void> {
  try {
    const dropped = await corpusFromFiles(files);
    await build(dropped);
  } catch (error) {
    fail('Reading your corpus failed', error);
  }
}

async function loadCveCorpus(): Promise<void> {
  try {
    ui.stages.reset(['corpus']);
    ui.stages.markNextRunning();
    const start = performance.now();
    const cve = await fetchCveCorpus();
    ui.stages.stage('corpus').done(performance.now() - start);
    await build(cve);
  } catch (error) {
    hooks.state = 'error';
    fail('Loading the CVE corpus failed', error);
  }
}

async function loadSaved(): Promise<boolean> {
  if (!store) return false;
  const saved = await readSavedIndex(store);
  if (!saved) return false;
  hooks.state = 'building';
  ui.stages.reset(['load']);
  ui.stages.markNextRunning();
  const start = performance.now();
  const loaded = await engine.load(saved.index, saved.embedder, buildSettings(ui.controls).backend, saved.corpus.documents.length);
  ui.stages.stage('load').done(performance.now() - start);
  corpus = saved.corpus;
  describeCorpus(saved.corpus, `Loaded from ${store.kind} (saved ${new Date(saved.manifest.savedAt).toLocaleString()}).`);
  showSummary(loaded, performance.now() - start);
  ui.storageStatus.textContent = `Loaded the saved index from ${store.kind}: no rebuild.`;
  hooks.loads += 1;
  hooks.saved = true;
  hooks.state = 'ready';
  setReady(true);
  return true;
}

// --- wiring ---------------------------------------------------------------------------------

let pageDocument: DemoDocument | undefined;
setupTabs($<HTMLElement>('.tabs'), (panelId) => {
  if (panelId !== 'panel-optical') return;
  const shown = pageDocument;
  pageDocument = undefined;
  void import('./optical-tab').then((tab) => tab.openOpticalTab(corpus, shown));
});
// "page" on a hit: show that document in the optical tab.
for (const list of [ui.energyResults, ui.cosineResults]) {
  list.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button.hit-page');
    if (!button || !corpus) return;
    pageDocument = corpus.documents[Number(button.dataset.index)];
    $<HTMLButtonElement>('#tab-optical').click();
  });
}
renderSweep($<HTMLDivElement>('#sweep-figures'));

ui.searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void runSearch(ui.query.value);
});
const methodHelp = $<HTMLParagraphElement>('#method-help');
const showMethodHelp = (): void => {
  methodHelp.textContent = METHOD_HELP[ui.method.value as SearchMethod];
};
showMethodHelp();
ui.method.addEventListener('change', () => {
  showMethodHelp();
  void runSearch(ui.query.value);
});
for (const button of ui.examples) {
  button.addEventListener('click', () => {
    ui.query.value = button.dataset.query!;
    void runSearch(ui.query.value);
  });
}
ui.controls.addEventListener('submit', (event) => {
  event.preventDefault();
  if (corpus) void build(corpus);
});
ui.controls.addEventListener('change', (event) => {
  // Search-time settings apply at once; diffusion settings wait for "Rebuild".
  const name = (event.target as HTMLInputElement).name;
  if (!['eta', 'steps', 'topk'].includes(name) && ui.query.value) void runSearch(ui.query.value);
});
ui.corpusFiles.addEventListener('change', () => void loadCorpusFiles([...(ui.corpusFiles.files ?? [])]));
ui.corpusFolder.addEventListener('change', () => void loadCorpusFiles([...(ui.corpusFolder.files ?? [])]));
ui.corpusReset.addEventListener('click', () => void loadCveCorpus());
ui.dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.dropZone.classList.add('dragging');
});
ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
ui.dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.dropZone.classList.remove('dragging');
  void loadCorpusFiles([...(event.dataTransfer?.files ?? [])]);
});
ui.dropZone.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    ui.corpusFiles.click();
  }
});
ui.save.addEventListener('click', async () => {
  if (!store || !corpus) return;
  try {
    ui.save.disabled = true;
    const bytes = await engine.exportBytes();
    const manifest = await saveIndex(store, corpus, buildSettings(ui.controls), bytes.embedder, bytes.index);
    const total = manifest.bytes.corpus + manifest.bytes.embedder + manifest.bytes.index;
    ui.storageStatus.textContent = `Saved to ${store.kind} (${formatBytes(total)}). The next visit loads it without a rebuild.`;
    hooks.saved = true;
  } catch (error) {
    fail('Saving failed', error);
  } finally {
    ui.save.disabled = false;
    ui.forget.disabled = false;
  }
});
ui.forget.addEventListener('click', async () => {
  if (!store) return;
  await forgetSavedIndex(store);
  hooks.saved = false;
  ui.storageStatus.textContent = `The saved index was removed from ${store.kind}.`;
});

async function start(): Promise<void> {
  const gpu = await engine.probe();
  hooks.gpu = gpu;
  showGpu(gpu);
  try {
    // ?storage=indexeddb tries the IndexedDB path that browsers without OPFS take.
    store = await openBlobStore({ preferIndexedDb: new URLSearchParams(location.search).get('storage') === 'indexeddb' });
    hooks.storage = store.kind;
  } catch (error) {
    ui.storageStatus.textContent = `This browser cannot store the index (${(error as Error).message}); it is rebuilt on every visit.`;
  }
  try {
    if (await loadSaved()) return;
  } catch (error) {
    ui.storageStatus.textContent = `The saved index could not be loaded (${(error as Error).message}); building a new one.`;
  }
  await loadCveCorpus();
}

void start();
