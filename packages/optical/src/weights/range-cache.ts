/**
 * Where fetched byte ranges are kept between loads. Keys come from `rangeCacheKey`:
 * URL + byte range + the server's validator (ETag, else Last-Modified), so a changed file
 * never serves stale bytes.
 */
export interface RangeCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

export function rangeCacheKey(url: string, begin: number, end: number, validator: string): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}opticspace-range=${begin}-${end}&opticspace-validator=${encodeURIComponent(validator)}`;
}

/** In-memory cache (tests, or one session in Node). */
export class MemoryRangeCache implements RangeCache {
  readonly entries = new Map<string, Uint8Array>();
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.entries.get(key);
  }
  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.entries.set(key, bytes.slice());
  }
}

/** Browser Cache API storage (persists across page loads; works in workers). */
export class CacheStorageRangeCache implements RangeCache {
  private cache: Promise<Cache> | null = null;
  constructor(readonly cacheName = 'opticspace-weights') {}

  static available(): boolean {
    return typeof caches !== 'undefined';
  }

  private open(): Promise<Cache> {
    if (!this.cache) this.cache = caches.open(this.cacheName);
    return this.cache;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const response = await (await this.open()).match(key);
    return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const body = bytes.slice().buffer as ArrayBuffer;
    await (await this.open()).put(key, new Response(body, { headers: { 'content-type': 'application/octet-stream' } }));
  }
}
