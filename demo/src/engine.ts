/** The page's handle on the search worker: one promise per request, progress through a callback. */
import type { SearchMethod } from '@opticspace/index';
import { engineWorker, engineWorkerFailure } from './boot';
import type { BuildSettings, EngineInfo, EngineReply, EngineRequest, EngineSummary, SearchResponse, SearchSettings } from './engine-protocol';

export type ProgressListener = (stage: string, fraction: number | null, ms: number | undefined, done: boolean) => void;

/** An error the worker raised, with the original error's class name. */
export class EngineError extends Error {
  constructor(readonly errorName: string, message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

type Request = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class SearchEngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; onProgress?: ProgressListener }>();

  /** The worker answers requests only, so none of its messages can arrive before this client listens. */
  constructor(private readonly worker: Worker = engineWorker) {
    this.worker.onmessage = (event: MessageEvent<EngineReply>) => {
      const reply = event.data;
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      if (reply.type === 'progress') {
        entry.onProgress?.(reply.stage, reply.fraction, reply.ms, reply.done ?? false);
        return;
      }
      this.pending.delete(reply.id);
      if (reply.type === 'ok') entry.resolve(reply.value);
      else entry.reject(new EngineError(reply.name, reply.message));
    };
    this.worker.onerror = (event) => {
      const error = new EngineError('WorkerError', event.message || 'the search worker failed to start');
      for (const entry of this.pending.values()) entry.reject(error);
      this.pending.clear();
    };
  }

  private call<T>(request: Request, transfer: Transferable[] = [], onProgress?: ProgressListener): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.worker === engineWorker && engineWorkerFailure) {
        reject(new EngineError('WorkerError', engineWorkerFailure));
        return;
      }
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  /** The GPU the worker found and the index's search methods. */
  info(): Promise<EngineInfo> {
    return this.call({ type: 'info' });
  }

  /** Builds the index over `texts`; `embedding` is the corpus's shipped embedding (corpus-embedding.ts), if it has one. */
  build(texts: string[], settings: BuildSettings, onProgress: ProgressListener, embedding?: Uint8Array): Promise<EngineSummary> {
    return this.call({ type: 'build', texts, settings, embedding }, [], onProgress);
  }

  search(query: string, methods: SearchMethod[], settings: SearchSettings): Promise<SearchResponse> {
    return this.call({ type: 'search', query, methods, settings });
  }

  /** The saved forms of the index and of the embedder. */
  exportBytes(): Promise<{ index: Uint8Array; embedder: Uint8Array }> {
    return this.call({ type: 'export' });
  }

  /** Loads a saved index and embedder over the saved corpus's `texts`. */
  load(index: Uint8Array, embedder: Uint8Array, backend: BuildSettings['backend'], texts: string[]): Promise<EngineSummary> {
    return this.call({ type: 'load', index, embedder, backend, texts });
  }
}
