/**
 * The search engine, in a dedicated worker: fits the lexical embedder (TF-IDF + LSA from
 * @opticspace/eval), embeds the corpus, builds the EnergyIndex (WebGPU when there is an
 * adapter, the TypeScript backend otherwise) and answers queries. The page keeps the
 * documents for display; only texts, vectors' results and bytes cross the boundary.
 */
import { getDevice } from '@opticspace/gpu';
import { EnergyIndex, type SearchMethod } from '@opticspace/index';
import { LexicalEmbedder, decodeLexicalEmbedder, encodeLexicalEmbedder, tokenize } from '@opticspace/eval';
import { words } from './highlight';
import type { BuildSettings, EngineReply, EngineRequest, EngineSummary, GpuProbe, SearchResponse, SearchSettings } from './engine-protocol';

/** The worker's global scope (typed by hand: the project compiles against the DOM lib). */
const scope = self as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<EngineRequest>) => void) | null;
};

/** Documents embedded per progress message. */
const EMBED_CHUNK = 256;

let embedder: LexicalEmbedder | null = null;
let index: EnergyIndex | null = null;
let gpuProbe: GpuProbe | null = null;

function post(reply: EngineReply, transfer: Transferable[] = []): void {
  scope.postMessage(reply, transfer);
}

async function probeGpu(): Promise<GpuProbe> {
  if (gpuProbe) return gpuProbe;
  if (!('gpu' in navigator) || !navigator.gpu) {
    gpuProbe = { available: false, detail: 'this browser exposes no WebGPU (navigator.gpu is missing)', shaderF16: false };
    return gpuProbe;
  }
  try {
    const context = await getDevice();
    gpuProbe = { available: true, detail: context.adapterName, shaderF16: context.features.shaderF16 };
  } catch (error) {
    gpuProbe = { available: false, detail: (error as Error).message, shaderF16: false };
  }
  return gpuProbe;
}

function replaceIndex(next: EnergyIndex): void {
  index?.dispose();
  index = next;
}

async function summarise(embedMs: number, indexMs: number, documents: number, loadedFromStorage: boolean, indexBytes?: number, embedderBytes?: number): Promise<EngineSummary> {
  const current = index!;
  return {
    report: current.report,
    backend: current.backend,
    gpu: await probeGpu(),
    documents,
    dims: embedder!.dims,
    vocabulary: embedder!.vocabularySize,
    lambda: current.itemSignatures().lambda,
    indexBytes: indexBytes ?? current.toBytes().byteLength,
    embedderBytes: embedderBytes ?? encodeLexicalEmbedder(embedder!).byteLength,
    embedMs,
    indexMs,
    loadedFromStorage,
  };
}

async function build(id: number, texts: string[], settings: BuildSettings): Promise<EngineSummary> {
  const progress = (stage: string, fraction: number | null, ms?: number, done?: boolean): void =>
    post({ id, type: 'progress', stage, fraction, ms, done });
  const start = performance.now();
  progress('fit', null);
  const fitted = new LexicalEmbedder({ dims: Math.min(settings.dims, Math.max(2, texts.length - 1)), seed: settings.seed });
  fitted.fit(texts);
  const fitMs = performance.now() - start;
  progress('fit', 1, fitMs, true);

  const embedStart = performance.now();
  const vectors = new Float32Array(texts.length * fitted.dims);
  for (let first = 0; first < texts.length; first += EMBED_CHUNK) {
    const chunk = fitted.embedDocuments(texts.slice(first, first + EMBED_CHUNK));
    vectors.set(chunk, first * fitted.dims);
    progress('embed', Math.min(1, (first + EMBED_CHUNK) / texts.length), performance.now() - embedStart);
  }
  progress('embed', 1, performance.now() - embedStart, true);
  const embedMs = performance.now() - start;

  await probeGpu();
  const indexStart = performance.now();
  const built = await EnergyIndex.build(vectors, {
    dimension: fitted.dims,
    seed: settings.seed,
    eta: settings.eta,
    steps: settings.steps,
    graph: { topk: settings.topk },
    backend: settings.backend,
    onProgress: (p) => progress(p.stage, 1, p.ms, true),
  });
  embedder = fitted;
  replaceIndex(built);
  return summarise(embedMs, performance.now() - indexStart, texts.length, false);
}

async function search(query: string, methods: SearchMethod[], settings: SearchSettings): Promise<SearchResponse> {
  if (!index || !embedder) throw new Error('no index yet: build or load one first');
  const embedStart = performance.now();
  const vector = embedder.embedQuery(query);
  const embedMs = performance.now() - embedStart;
  const prepared = await index.querySignatures(vector);
  const results = [];
  for (const method of methods) {
    const searchStart = performance.now();
    const hits = await index.search(vector, { ...settings, method });
    results.push({ method, hits, searchMs: performance.now() - searchStart });
  }
  return { results, embedMs, queryLambda: prepared.lambda[0], unknownWords: unknownWords(embedder, query) };
}

/** A word the embedder's vocabulary lacks embeds to the zero vector. */
function unknownWords(fitted: LexicalEmbedder, query: string): string[] {
  const unknown = words(query).filter((word) => tokenize(word).length > 0 && fitted.embedQuery(word).every((value) => value === 0));
  return [...new Set(unknown)];
}

async function load(indexBytes: Uint8Array, embedderBytes: Uint8Array, backend: BuildSettings['backend'], documents: number): Promise<EngineSummary> {
  const start = performance.now();
  const loadedEmbedder = decodeLexicalEmbedder(embedderBytes, 'saved embedder');
  await probeGpu();
  const loaded = await EnergyIndex.fromBytes(indexBytes, { backend });
  if (loaded.size !== documents) {
    loaded.dispose();
    throw new Error(`the saved index holds ${loaded.size} items but the saved corpus has ${documents} documents`);
  }
  if (loaded.dimension !== loadedEmbedder.dims) {
    loaded.dispose();
    throw new Error(`the saved index has dimension ${loaded.dimension} but the saved embedder ${loadedEmbedder.dims}`);
  }
  embedder = loadedEmbedder;
  replaceIndex(loaded);
  return summarise(0, performance.now() - start, documents, true, indexBytes.byteLength, embedderBytes.byteLength);
}

function exportBytes(): { index: Uint8Array; embedder: Uint8Array } {
  if (!index || !embedder) throw new Error('no index to save yet');
  return { index: index.toBytes(), embedder: encodeLexicalEmbedder(embedder) };
}

scope.onmessage = async (event: MessageEvent<EngineRequest>) => {
  const request = event.data;
  try {
    let value: unknown;
    const transfer: Transferable[] = [];
    switch (request.type) {
      case 'probe':
        value = await probeGpu();
        break;
      case 'build':
        value = await build(request.id, request.texts, request.settings);
        break;
      case 'search':
        value = await search(request.query, request.methods, request.settings);
        break;
      case 'export': {
        const bytes = exportBytes();
        transfer.push(bytes.index.buffer, bytes.embedder.buffer);
        value = bytes;
        break;
      }
      case 'load':
        value = await load(request.index, request.embedder, request.backend, request.documents);
        break;
    }
    post({ id: request.id, type: 'ok', value }, transfer);
  } catch (error) {
    const e = error as Error;
    post({ id: request.id, type: 'error', name: e.name ?? 'Error', message: e.message ?? String(error) });
  }
};
