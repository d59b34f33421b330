/**
 * The opticspace demo, top to bottom: find the GPU, load a saved index or the CVE corpus (with
 * its embedding, fitted at build time), build the index in a worker with a progress bar per
 * stage, and search as you type with the chosen ranking (the index's default fusion unless the
 * address or the selector says otherwise; energy vs cosine one click away) beside cosine. The
 * query, method and k live in the address (?q=&method=&k=), so a search can be shared.
 */
import type { SearchMethod } from '@opticspace/index';
import { corpusFromFiles, documentText, fetchCveCorpus, type DemoCorpus, type DemoDocument } from './corpus';
import { SearchEngineClient } from './engine';
import type { EngineSummary, GpuProbe, SearchResponse } from './engine-protocol';
import { buildReportEntries } from './build-report';
import { errorMessage, FieldError, showMessage } from './field-errors';
import { Debounce, LatestOnly } from './latest-only';
import { MethodPicker } from './method-picker';
import { BASELINE_METHOD, methodInfo } from './methods';
import { formatBytes, formatMs, StageList } from './progress';
import { buildSettings, searchSettings } from './settings';
import { renderReport } from './report';
import { documentLabels } from './results';
import { setupResultKeys } from './result-keys';
import { forgetSavedIndex, hasSavedIndex, readSavedIndex, saveIndex } from './saved-index';
import { isPhoneLayout, onLayoutChange, SearchView } from './search-view';
import { openBlobStore, type BlobStore } from './storage';
import { setupTabs } from './tabs';
import { readSearchUrl, writeSearchUrl } from './url-state';

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
  /** Time from navigation (performance.now()) until the index first answered, and until the first search's results were on screen, ms. */
  readyMs?: number;
  firstResultsMs?: number;
  /** The last search whose results are on screen. */
  lastSearch?: {
    query: string;
    method: SearchMethod;
    k: number;
    noMatch: boolean;
    ids: Record<string, Array<{ id: string; labels: string[] }>>;
    response: SearchResponse;
  };
  /** Searches sent to the worker, shown, dropped before they ran, and answered after a newer one (discarded). */
  searches: { sent: number; shown: number; skipped: number; discarded: number };
  /** What the result area shows. */
  view?: SearchView['state'];
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

const hooks: DemoTestHooks = { state: 'starting', builds: 0, loads: 0, searches: { sent: 0, shown: 0, skipped: 0, discarded: 0 } };
window.__demo = hooks;

const ui = {
  badge: $<HTMLParagraphElement>('#backend-badge'),
  fallback: $<HTMLParagraphElement>('#fallback-banner'),
  corpusTitle: $<HTMLSpanElement>('#corpus-title'),
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
  storageError: $<HTMLParagraphElement>('#storage-error'),
  searchPanel: $<HTMLElement>('#panel-search'),
  searchForm: $<HTMLFormElement>('#search-form'),
  query: $<HTMLInputElement>('#query'),
  method: $<HTMLSelectElement>('#method'),
  k: $<HTMLInputElement>('#k'),
  searchError: $<HTMLParagraphElement>('#search-error'),
  examples: [...document.querySelectorAll<HTMLButtonElement>('button.example')],
  controls: $<HTMLFormElement>('#controls'),
  rebuild: $<HTMLButtonElement>('#rebuild'),
  rebuildError: $<HTMLParagraphElement>('#rebuild-error'),
};

/**
 * Below this best cosine the query has no match worth showing, whatever the ranking: a query of
 * unknown words embeds to zero, and every word of the CVE corpus alone reaches a cosine above 0.1.
 */
const NO_MATCH_COSINE = 0.1;
/** Pause in typing before a search starts. */
const TYPING_DELAY_MS = 180;

const engine = new SearchEngineClient();
const picker = new MethodPicker(
  { select: ui.method, compare: $<HTMLButtonElement>('#compare'), name: $<HTMLSpanElement>('#method-name'), help: $<HTMLParagraphElement>('#method-help') },
  () => void requestSearch(),
);
const view = new SearchView();
Object.defineProperty(hooks, 'view', { get: () => view.state, enumerable: true });
const searches = new LatestOnly();
const typing = new Debounce(TYPING_DELAY_MS, () => void requestSearch());
let store: BlobStore | null = null;
let corpus: DemoCorpus | null = null;
let summary: EngineSummary | null = null;
let busy = false;
/** A corpus (or rebuild) asked for while a build runs: built as soon as that one ends. */
let queued: { corpus: DemoCorpus; errors: HTMLElement } | null = null;

function setSaved(saved: boolean): void {
  hooks.saved = saved;
  ui.forget.disabled = !store || !saved;
}

function setReady(ready: boolean): void {
  ui.rebuild.disabled = !ready;
  ui.save.disabled = !ready || !store;
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

/** The example queries belong to the CVE corpus; each says which CWE answers it. */
function describeExamples(current: DemoCorpus): void {
  $<HTMLDivElement>('.examples').hidden = !current.examples?.length;
  for (const button of ui.examples) {
    const judged = current.examples?.find((example) => example.text === button.dataset.query);
    if (judged?.why) button.title = judged.why;
    else button.removeAttribute('title');
  }
}

function describeCorpus(current: DemoCorpus, note = ''): void {
  describeExamples(current);
  ui.corpusTitle.textContent = current.name === 'CVE corpus' ? 'the CVE corpus' : current.name;
  const labels = new Set(current.documents.flatMap(documentLabels)).size;
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

/** Shows a failure beside the controls that caused it (`where` is the message element there). */
function fail(where: HTMLElement, what: string, error: unknown): void {
  const message = `${what}: ${errorMessage(error)}`;
  showMessage(where, message);
  hooks.error = message;
}

function showBuilding(): void {
  hooks.state = 'building';
  view.building(ui.stages.summary());
}

/** The index answers: say so, put the box in view and focus it (unless the user is elsewhere), re-run the query. */
function becomeReady(): void {
  hooks.state = 'ready';
  hooks.readyMs ??= performance.now();
  setReady(true);
  const where = summary!.backend.kind === 'webgpu' ? 'on WebGPU' : 'on the CPU (TypeScript)';
  const time = summary!.loadedFromStorage ? `loaded from ${store?.kind ?? 'storage'} in ${formatMs(summary!.indexMs)}` : `built in ${formatMs(hooks.lastBuildMs ?? 0)}`;
  view.ready(`Ready: ${corpus!.documents.length.toLocaleString()} documents indexed ${where}, ${time}.`);
  const active = document.activeElement;
  if (!ui.searchPanel.hidden && (active === null || active === document.body || active === ui.query)) {
    ui.query.focus({ preventScroll: true });
    ui.query.scrollIntoView({ block: 'nearest' });
  }
  void requestSearch();
}

async function build(next: DemoCorpus, errors: HTMLElement = ui.corpusError): Promise<void> {
  if (busy) {
    queued = { corpus: next, errors };
    ui.storageStatus.textContent = `${next.name} is next: it is indexed when the current build ends.`;
    return;
  }
  let settings;
  try {
    settings = buildSettings(ui.controls);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    hooks.error = error.message;
    return;
  }
  busy = true;
  setReady(false);
  const started = performance.now();
  try {
    describeCorpus(next);
    // A corpus with its embedding only builds the index; another one fits the embedder first.
    const embedding = next.embedding ? ['embedding'] : ['fit', 'embed'];
    ui.stages.reset([...embedding, 'projection', 'clustering', 'opticalCompression', 'bootstrapGraph', 'diffusion', 'splitting', 'energyGraph', 'upload', 'signatures']);
    ui.stages.markNextRunning();
    showBuilding();
    const texts = next.documents.map(documentText);
    const built = await engine.build(texts, settings, (stage, fraction, ms, done) => {
      const row = ui.stages.stage(stage);
      if (done) {
        row.done(ms ?? 0);
        ui.stages.markNextRunning();
        showBuilding();
      } else row.set(fraction, ms);
    }, next.embedding);
    ui.stages.finish();
    corpus = next;
    hooks.lastBuildMs = performance.now() - started;
    showSummary(built, hooks.lastBuildMs);
    ui.storageStatus.textContent = 'Built in this tab. Save it to skip the build next time.';
    hooks.builds += 1;
    showMessage(errors, null);
  } catch (error) {
    if (corpus) describeCorpus(corpus);
    fail(errors, 'Building the index failed', error);
  } finally {
    busy = false;
  }
  if (corpus) becomeReady();
  else hooks.state = 'error';
  if (queued) {
    const waiting = queued;
    queued = null;
    await build(waiting.corpus, waiting.errors);
  }
}

/** Searches the box's query now (after any search in flight); a newer request supersedes it. */
function requestSearch(): Promise<void> {
  typing.cancel();
  return searches.run(runSearch).finally(() => {
    hooks.searches.skipped = searches.skipped;
  });
}

async function runSearch(isCurrent: () => boolean): Promise<void> {
  let settings;
  try {
    settings = searchSettings(ui.controls, ui.k);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    view.blocked(error.message);
    return;
  }
  const methods = picker.methods;
  const method = picker.chosen;
  if (!corpus || !summary || busy || !methods || !method) return; // the build's end runs the query
  const current = corpus;
  const index = summary;
  const query = ui.query.value.trim();
  const baseline = methodInfo(methods, BASELINE_METHOD)!;
  writeSearchUrl({ q: query, method: method.id, k: String(settings.k) });
  if (query === '') {
    showMessage(ui.searchError, null);
    view.empty(current.documents.length);
    return;
  }
  // A small dropped corpus can hold fewer documents than k.
  settings.k = Math.min(settings.k, current.documents.length);
  hooks.searches.sent += 1;
  let response: SearchResponse;
  try {
    response = await engine.search(query, [method.id, baseline.id], settings);
  } catch (error) {
    if (!isCurrent()) return;
    fail(ui.searchError, 'Search failed', error);
    view.failed(query);
    return;
  }
  if (!isCurrent()) {
    hooks.searches.discarded += 1;
    return;
  }
  showMessage(ui.searchError, null);
  const [primary, cosine] = response.results;
  const best = cosine.hits[0]?.score ?? 0;
  const noMatch = !(best >= NO_MATCH_COSINE);
  if (noMatch) {
    const unknown = response.unknownWords.map((word) => `“${word}”`).join(', ');
    const reason =
      best === 0 && unknown
        ? `none of its words (${unknown}) occur in the ${current.documents.length.toLocaleString()} documents`
        : `the closest document has cosine ${best.toFixed(3)}, below the ${NO_MATCH_COSINE} we count as a match` +
          (unknown ? ` (${unknown} occur in no document)` : '');
    view.noMatch(query, reason);
  } else {
    const judged = current.examples?.find((example) => example.text === query);
    view.showResults({
      query,
      marks: response.marks,
      methods,
      primary: { method, hits: primary.hits, ms: primary.searchMs + response.embedMs },
      baseline: { method: baseline, hits: cosine.hits, ms: cosine.searchMs + response.embedMs },
      documents: current.documents,
      labelNames: current.labelNames,
      relevance: judged?.relevant,
      lambda: index.lambda,
      queryLambda: response.queryLambda,
      settings,
    });
  }
  hooks.searches.shown += 1;
  hooks.firstResultsMs ??= performance.now();
  const ids = (hits: Array<{ index: number }>) =>
    hits.map((h) => {
      const document = current.documents[h.index];
      return { id: document.id, labels: documentLabels(document) };
    });
  hooks.lastSearch = { query, method: method.id, k: settings.k, noMatch, ids: { [method.id]: ids(primary.hits), [baseline.id]: ids(cosine.hits) }, response };
}

async function loadCorpusFiles(files: File[]): Promise<void> {
  try {
    const dropped = await corpusFromFiles(files);
    await build(dropped);
  } catch (error) {
    fail(ui.corpusError, 'Reading your corpus failed', error);
  }
}

/** Loads the CVE corpus (from `fetching` when its download has started already) and builds its index. */
async function loadCveCorpus(fetching: Promise<DemoCorpus> = fetchCveCorpus()): Promise<void> {
  try {
    ui.stages.reset(['corpus']);
    ui.stages.markNextRunning();
    showBuilding();
    const start = performance.now();
    const cve = await fetching;
    ui.stages.stage('corpus').done(performance.now() - start);
    await build(cve);
  } catch (error) {
    if (!corpus) hooks.state = 'error';
    fail(ui.corpusError, 'Loading the CVE corpus failed', error);
  }
}

async function loadSaved(): Promise<boolean> {
  if (!store) return false;
  const saved = await readSavedIndex(store);
  if (!saved) return false;
  ui.stages.reset(['load']);
  ui.stages.markNextRunning();
  showBuilding();
  const start = performance.now();
  const loaded = await engine.load(saved.index, saved.embedder, buildSettings(ui.controls).backend, saved.corpus.documents.map(documentText));
  ui.stages.stage('load').done(performance.now() - start);
  corpus = saved.corpus;
  describeCorpus(saved.corpus, `Loaded from ${store.kind} (saved ${new Date(saved.manifest.savedAt).toLocaleString()}).`);
  showSummary(loaded, performance.now() - start);
  ui.storageStatus.textContent = `Loaded the saved index from ${store.kind}: no rebuild.`;
  hooks.loads += 1;
  setSaved(true);
  becomeReady();
  return true;
}

// --- wiring ---------------------------------------------------------------------------------

let pageDocument: DemoDocument | undefined;
setupTabs($<HTMLElement>('[role="tablist"]'), (panelId) => {
  if (panelId !== 'panel-optical') return;
  const shown = pageDocument;
  pageDocument = undefined;
  void import('./optical-tab').then((tab) => tab.openOpticalTab(corpus, shown));
});
// "Page image" on a hit: show that document in the optical tab.
for (const list of view.lists) {
  list.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button.hit-page');
    if (!button || !corpus) return;
    pageDocument = corpus.documents[Number(button.dataset.index)];
    $<HTMLButtonElement>('#tab-optical').click();
  });
}
setupResultKeys({ query: ui.query, lists: view.lists, shownList: () => view.shownList(), showList: (which) => view.showList(which) });

// The address may name the query, k and the method (applied when the worker has sent the methods).
const fromUrl = readSearchUrl();
ui.query.value = fromUrl.q;
if (fromUrl.k !== undefined) ui.k.value = fromUrl.k;
// The explanations are open where there is room for them and closed on a phone.
const fitExplainers = (): void => {
  for (const explainer of document.querySelectorAll<HTMLDetailsElement>('details.explainer')) explainer.open = !isPhoneLayout();
};
fitExplainers();
onLayoutChange(fitExplainers);

ui.searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void requestSearch();
});
ui.query.addEventListener('input', () => typing.schedule());
ui.k.addEventListener('input', () => typing.schedule());
for (const button of ui.examples) {
  button.addEventListener('click', () => {
    ui.query.value = button.dataset.query!;
    void requestSearch();
  });
}
// "/" anywhere outside a text field goes to the search box.
const TEXT_ENTRY = 'textarea, [contenteditable="true"], input:is([type="text"], [type="search"], [type="url"], [type="email"], [type="number"], [type="password"], [type="tel"], :not([type]))';
document.addEventListener('keydown', (event) => {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  if ((event.target as HTMLElement).closest(TEXT_ENTRY)) return;
  event.preventDefault();
  if (ui.searchPanel.hidden) $<HTMLButtonElement>('#tab-search').click();
  ui.query.focus();
  ui.query.select();
});
ui.controls.addEventListener('submit', (event) => {
  event.preventDefault();
  if (corpus) void build(corpus, ui.rebuildError);
});
ui.controls.addEventListener('change', (event) => {
  // Search-time settings apply at once; diffusion settings wait for "Rebuild".
  const name = (event.target as HTMLInputElement).name;
  if (!['eta', 'steps', 'topk'].includes(name)) void requestSearch();
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
    showMessage(ui.storageError, null);
    setSaved(true);
  } catch (error) {
    fail(ui.storageError, 'Saving failed', error);
  } finally {
    ui.save.disabled = false;
  }
});
ui.forget.addEventListener('click', async () => {
  if (!store) return;
  try {
    await forgetSavedIndex(store);
    showMessage(ui.storageError, null);
    setSaved(false);
    ui.storageStatus.textContent = `The saved index was removed from ${store.kind}; the next visit builds the index again.`;
    ui.save.focus();
  } catch (error) {
    fail(ui.storageError, 'Forgetting the saved index failed', error);
  }
});

async function openStore(): Promise<void> {
  try {
    // ?storage=indexeddb tries the IndexedDB path that browsers without OPFS take.
    store = await openBlobStore({ preferIndexedDb: new URLSearchParams(location.search).get('storage') === 'indexeddb' });
    hooks.storage = store.kind;
    setSaved(await hasSavedIndex(store));
  } catch (error) {
    ui.storageStatus.textContent = `This browser cannot store the index (${errorMessage(error)}); it is rebuilt on every visit.`;
  }
}

async function start(): Promise<void> {
  showBuilding();
  // The worker's answer (GPU, methods), the storage check and the corpus download run side by
  // side; the corpus is used unless a saved index loads.
  const corpusDownload = fetchCveCorpus();
  corpusDownload.catch(() => undefined); // its failure is reported where it is awaited
  const [{ gpu, methods }] = await Promise.all([engine.info(), openStore()]);
  hooks.gpu = gpu;
  showGpu(gpu);
  picker.fill(methods, fromUrl.method);
  // The sweep tab's heatmaps (a module of their own, off the first search's path), captioned with the methods' labels.
  void import('./sweep').then((sweep) =>
    sweep.renderSweep($<HTMLDivElement>('#sweep-figures'), $<HTMLSelectElement>('#sweep-set'), $<HTMLSelectElement>('#sweep-metric'), (id) => methodInfo(methods, id)?.label),
  );
  try {
    if (await loadSaved()) return;
  } catch (error) {
    ui.storageStatus.textContent = `The saved index could not be loaded (${errorMessage(error)}); building a new one. “Forget saved index” removes it.`;
  }
  await loadCveCorpus(corpusDownload);
}

void start();
