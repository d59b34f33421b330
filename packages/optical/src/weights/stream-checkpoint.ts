import { integer } from '@opticspace/gpu';
import { MissingTensorError, parseSafetensorsHeader, readHeaderLength, type SafetensorsHeader } from '@opticspace/encoder';
import { HttpRangeSource, type FetchFunction } from './http-range-source';
import { coalesceRanges, type CoalescedRange } from './range-plan';
import { CacheStorageRangeCache, rangeCacheKey, type RangeCache } from './range-cache';
import { LoadedRangesSource } from './memory-range-source';

/**
 * Encoder tensors of a DeepSeek-OCR checkpoint: the same filter as deepseek_ocr.py
 * `load_weights` (sam_model, vision_model, projector, image_newline, view_seperator).
 * Everything else (the 3B language model) is never downloaded.
 */
export function isEncoderTensor(name: string): boolean {
  return (
    name.includes('sam_model') ||
    name.includes('vision_model') ||
    name.includes('projector') ||
    name.includes('image_newline') ||
    name.includes('view_seperator')
  );
}

export interface StreamProgress {
  /** Bytes of the header and selected tensors available so far (network + cache). */
  loadedBytes: number;
  /** Header + selected tensors: everything this load needs. */
  totalBytes: number;
  /** Of loadedBytes, how many came from the cache. */
  cachedBytes: number;
}

export interface StreamCheckpointOptions {
  /** Which tensors to fetch (default: `isEncoderTensor`). Ignored when `names` is given. */
  select?: (name: string) => boolean;
  /** Exact tensor names to fetch; any missing one raises MissingTensorError before downloading. */
  names?: readonly string[];
  onProgress?: (progress: StreamProgress) => void;
  /** Range cache; 'auto' (default) = Cache API in browsers, none in Node; null = no cache. */
  cache?: RangeCache | 'auto' | null;
  fetch?: FetchFunction;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Largest gap (bytes) bridged when merging neighbouring tensors into one request (default 0). */
  maxGap?: number;
  /** Abort when a request makes no progress for this long (default 60 s). */
  idleTimeoutMs?: number;
  /** Parallel range requests (default 4). */
  concurrency?: number;
}

export interface StreamedCheckpoint {
  url: string;
  header: SafetensorsHeader;
  /** Names of the tensors fetched, in file order. */
  names: string[];
  /** Serves the header and the fetched tensors (e.g. to the encoder's SafetensorsReader). */
  source: LoadedRangesSource;
  fileBytes: number;
  networkBytes: number;
  cachedBytes: number;
  requests: number;
}

function resolveCache(cache: StreamCheckpointOptions['cache']): RangeCache | null {
  if (cache === null) return null;
  if (cache === undefined || cache === 'auto') return CacheStorageRangeCache.available() ? new CacheStorageRangeCache() : null;
  return cache;
}

/**
 * Loads only the selected tensors of a remote safetensors checkpoint with HTTP Range
 * requests: the 8-byte header length, the JSON header, then the tensors' byte ranges
 * (neighbours merged into one request). All requests must succeed before anything is
 * returned: any failure rejects the whole load (no partial model). Complete ranges are
 * cached under URL + range + ETag/Last-Modified, so a second load reads them locally (only
 * the 8-byte length request, which yields the validator, goes to the network).
 */
export async function streamCheckpoint(url: string, options: StreamCheckpointOptions = {}): Promise<StreamedCheckpoint> {
  const controller = new AbortController();
  const abortFromCaller = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abortFromCaller);
  const http = new HttpRangeSource(url, { fetch: options.fetch, headers: options.headers, signal: controller.signal, idleTimeoutMs: options.idleTimeoutMs });
  const cache = resolveCache(options.cache);
  let networkBytes = 0;
  let cachedBytes = 0;
  let requests = 0;
  try {
    const prefix = await http.readRange(0, 8);
    requests++;
    networkBytes += 8;
    const headerLength = readHeaderLength(prefix, http.size);
    const validator = http.validator ?? '';

    const fetchRange = async (begin: number, end: number, onBytes?: (received: number) => void): Promise<Uint8Array> => {
      const key = rangeCacheKey(url, begin, end, validator);
      const cached = validator && cache ? await cache.get(key) : undefined;
      if (cached && cached.byteLength === end - begin) {
        cachedBytes += cached.byteLength;
        onBytes?.(cached.byteLength);
        return cached;
      }
      requests++;
      const bytes = await http.readRangeWithProgress(begin, end, onBytes, controller.signal);
      networkBytes += bytes.byteLength;
      // Only complete, verified ranges are cached; validator-less responses are never cached.
      if (validator && cache) await cache.put(key, bytes);
      return bytes;
    };

    const headerBody = await fetchRange(8, 8 + headerLength);
    const headerBytes = new Uint8Array(8 + headerLength);
    headerBytes.set(prefix, 0);
    headerBytes.set(headerBody, 8);
    const header = parseSafetensorsHeader(headerBytes, http.size);
    // Without a visible Content-Range total, the file is at least as long as its last tensor.
    let fileBytes = http.size ?? headerBytes.byteLength;
    if (http.size === undefined) for (const info of header.tensors.values()) fileBytes = Math.max(fileBytes, info.end);

    const names = selectNames(header, options);
    const plan = coalesceRanges(
      names.map((name) => ({ name, ...header.tensors.get(name)! })),
      options.maxGap ?? 0,
    );
    const totalBytes = headerBytes.byteLength + plan.reduce((sum, r) => sum + (r.end - r.begin), 0);
    const perRange = new Float64Array(plan.length);
    const report = () => {
      let loaded = headerBytes.byteLength;
      for (const value of perRange) loaded += value;
      options.onProgress?.({ loadedBytes: loaded, totalBytes, cachedBytes });
    };
    report();
    const chunks = await runLimited(plan, options.concurrency ?? 4, controller, async (range: CoalescedRange, index: number) => {
      const bytes = await fetchRange(range.begin, range.end, (received) => {
        perRange[index] = received;
        report();
      });
      return { begin: range.begin, bytes };
    });
    return {
      url,
      header,
      names,
      source: new LoadedRangesSource(fileBytes, [{ begin: 0, bytes: headerBytes }, ...chunks]),
      fileBytes,
      networkBytes,
      cachedBytes,
      requests,
    };
  } finally {
    options.signal?.removeEventListener('abort', abortFromCaller);
  }
}

function selectNames(header: SafetensorsHeader, options: StreamCheckpointOptions): string[] {
  let names: string[];
  if (options.names) {
    const missing = options.names.filter((name) => !header.tensors.has(name));
    if (missing.length > 0) throw new MissingTensorError(missing);
    names = [...new Set(options.names)];
  } else {
    const select = options.select ?? isEncoderTensor;
    names = [...header.tensors.keys()].filter(select);
    if (names.length === 0) throw new MissingTensorError(['(no tensor matched the selection)']);
  }
  return names.sort((a, b) => header.tensors.get(a)!.begin - header.tensors.get(b)!.begin);
}

/** Runs `task` over `items` with at most `limit` in flight; the first failure aborts the rest and is thrown. */
async function runLimited<T, R>(items: readonly T[], limit: number, controller: AbortController, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  integer('concurrency', limit, 1);
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index], index);
      } catch (error) {
        if (failure === null) {
          failure = error;
          controller.abort();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw failure;
  return results;
}
