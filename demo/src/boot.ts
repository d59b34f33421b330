/**
 * Loaded before the page's own modules (index.html): starts the search worker at once, so that
 * the worker's modules, its GPU device and the search kernels (engine-worker.ts) load while the
 * page's modules still do. The page's engine client (engine.ts) talks to this worker.
 */
export const engineWorker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'opticspace-engine' });

/** Why the worker failed, when it did before the engine client listened (e.g. its script did not load). */
export let engineWorkerFailure: string | null = null;
engineWorker.addEventListener('error', (event) => {
  engineWorkerFailure = event.message || 'the search worker failed to start';
});
