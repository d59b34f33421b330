/**
 * The search worker's entry. It finds the GPU at once and compiles the search kernels on it
 * (kernel-warmup.ts) while the rest of the engine (search-engine.ts, with the embedder from
 * @opticspace/eval) loads and the index builds, and it answers the page's requests
 * (engine-protocol.ts). The page keeps the documents for display; only texts, results and bytes
 * cross the boundary.
 */
import { getDevice } from '@opticspace/gpu';
import { DEFAULT_METHOD, DEFAULT_SEARCH, SEARCH_METHOD_NAMES, SEARCH_METHODS } from '@opticspace/index';
import { EMBEDDING } from './embedding-settings';
import { warmSearchKernels } from './kernel-warmup';
import { describeMethods } from './methods';
import type { EngineInfo, EngineReply, EngineRequest } from './engine-protocol';
import type { EngineGpu } from './search-engine';

/** The worker's global scope (typed by hand: the project compiles against the DOM lib). */
const scope = self as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<EngineRequest>) => void) | null;
};

function post(reply: EngineReply, transfer: Transferable[] = []): void {
  scope.postMessage(reply, transfer);
}

/** The index's methods as the page shows them (the page never loads the index's code itself). */
const METHOD_CATALOGUE = describeMethods(SEARCH_METHODS, SEARCH_METHOD_NAMES, DEFAULT_METHOD, DEFAULT_SEARCH);

async function findGpu(): Promise<EngineGpu> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    return { probe: { available: false, detail: 'this browser exposes no WebGPU (navigator.gpu is missing)', shaderF16: false }, kernelsWarm: Promise.resolve() };
  }
  try {
    const context = await getDevice();
    // A failed warm-up costs only the time it saves: the first search compiles the kernels then.
    const kernelsWarm = warmSearchKernels(EMBEDDING.dims, DEFAULT_METHOD).catch(() => undefined);
    return { probe: { available: true, detail: context.adapterName, shaderF16: context.features.shaderF16 }, kernelsWarm };
  } catch (error) {
    return { probe: { available: false, detail: (error as Error).message, shaderF16: false }, kernelsWarm: Promise.resolve() };
  }
}

// The device and the kernels' warm-up start with the worker, and the engine's modules load beside them.
const gpu = findGpu();
const engine = import('./search-engine').then(({ SearchEngine }) => new SearchEngine(gpu, post));

scope.onmessage = async (event: MessageEvent<EngineRequest>) => {
  const request = event.data;
  try {
    let value: unknown;
    const transfer: Transferable[] = [];
    switch (request.type) {
      case 'info':
        value = { gpu: (await gpu).probe, methods: METHOD_CATALOGUE } satisfies EngineInfo;
        break;
      case 'build':
        value = await (await engine).build(request.id, request.texts, request.settings, request.embedding);
        break;
      case 'search':
        value = await (await engine).search(request.query, request.methods, request.settings);
        break;
      case 'export': {
        const bytes = (await engine).exportBytes();
        transfer.push(bytes.index.buffer, bytes.embedder.buffer);
        value = bytes;
        break;
      }
      case 'load':
        value = await (await engine).load(request.index, request.embedder, request.backend, request.texts);
        break;
    }
    post({ id: request.id, type: 'ok', value }, transfer);
  } catch (error) {
    const e = error as Error;
    post({ id: request.id, type: 'error', name: e.name ?? 'Error', message: e.message ?? String(error) });
  }
};
