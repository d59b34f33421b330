import { InvalidInputError } from '@opticspace/gpu';
import type { WeightSource } from '@opticspace/encoder';
import { RangeNotSupportedError, TruncatedResponseError, WeightFetchError } from '../errors';

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpRangeSourceOptions {
  fetch?: FetchFunction;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Abort a request when no response or body bytes arrive for this long (default 60 s). */
  idleTimeoutMs?: number;
}

/** Aborts a request after `ms` without progress; `touch()` on every chunk. */
class IdleWatch {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly forward = () => this.controller.abort();

  constructor(
    private readonly ms: number,
    private readonly outer?: AbortSignal,
  ) {
    if (outer?.aborted) this.controller.abort();
    outer?.addEventListener('abort', this.forward);
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.forward);
  }
}

/** Parses `bytes first-last/total` (total may be `*`). */
export function parseContentRange(value: string | null): { first: number; last: number; total: number | undefined } | null {
  if (!value) return null;
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value);
  if (!match) return null;
  return { first: Number(match[1]), last: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

/**
 * A WeightSource over HTTP Range requests (fetch: Node 20 and browsers). Every read must
 * come back as 206 with exactly the asked-for Content-Range and byte count; a server that
 * ignores Range (200), answers another range, drops the connection, or changes the file
 * (validator differs from the first response) raises a typed error and returns nothing.
 */
export class HttpRangeSource implements WeightSource {
  /** Total file size, known after the first response. */
  size?: number;
  /** ETag (preferred) or Last-Modified of the first response; '' when the server sends neither. */
  validator?: string;
  private readonly fetchFunction: FetchFunction;

  constructor(
    readonly url: string,
    private readonly options: HttpRangeSourceOptions = {},
  ) {
    const fetchFunction = options.fetch ?? (globalThis.fetch as FetchFunction | undefined);
    if (!fetchFunction) throw new WeightFetchError(url, 'no fetch implementation is available');
    // Never call fetch as a method of this object: browsers throw 'Illegal invocation' when
    // window.fetch runs with `this` other than the global object.
    this.fetchFunction = (input, init) => fetchFunction(input, init);
  }

  async readRange(begin: number, end: number): Promise<Uint8Array> {
    return this.readRangeWithProgress(begin, end);
  }

  /** Like readRange; `onBytes(received)` is called as this request's body arrives. */
  async readRangeWithProgress(begin: number, end: number, onBytes?: (received: number) => void, signal?: AbortSignal): Promise<Uint8Array> {
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < begin) {
      throw new InvalidInputError(`readRange: invalid byte range [${begin}, ${end})`);
    }
    if (this.size !== undefined && end > this.size) {
      throw new InvalidInputError(`readRange: byte range [${begin}, ${end}) runs past the end of the ${this.size}-byte file ${this.url}`);
    }
    if (end === begin) return new Uint8Array(0);
    const watch = new IdleWatch(this.options.idleTimeoutMs ?? 60_000, signal ?? this.options.signal);
    try {
      let response: Response;
      try {
        response = await this.fetchFunction(this.url, {
          headers: { ...this.options.headers, Range: `bytes=${begin}-${end - 1}`, 'Accept-Encoding': 'identity' },
          signal: watch.controller.signal,
        });
      } catch (error) {
        throw this.stalled(watch) ?? new WeightFetchError(this.url, `network error: ${(error as Error).message}`, { cause: error });
      }
      try {
        this.checkResponse(response, begin, end);
      } catch (error) {
        await response.body?.cancel().catch(() => undefined);
        throw error;
      }
      return await this.readBody(response, end - begin, onBytes, watch);
    } finally {
      watch.stop();
    }
  }

  private stalled(watch: IdleWatch): WeightFetchError | null {
    if (!watch.timedOut) return null;
    return new WeightFetchError(this.url, `no data for ${this.options.idleTimeoutMs ?? 60_000} ms (server stalled); request aborted`);
  }

  private checkResponse(response: Response, begin: number, end: number): void {
    if (response.status === 200) {
      throw new RangeNotSupportedError(
        this.url,
        `the server ignored 'Range: bytes=${begin}-${end - 1}' and answered 200 with the whole file; use a server that supports byte ranges (206)`,
      );
    }
    if (response.status !== 206) {
      throw new WeightFetchError(this.url, `HTTP ${response.status} ${response.statusText}`.trim(), { status: response.status });
    }
    const header = response.headers.get('content-range');
    // Cross-origin responses hide Content-Range unless the server exposes it
    // (Access-Control-Expose-Headers); then the 206 status and the exact body length
    // (checked in readBody) are the evidence, and the file size stays unknown.
    const range = header === null ? { first: begin, last: end - 1, total: undefined } : parseContentRange(header);
    if (!range || range.first !== begin || range.last !== end - 1) {
      throw new RangeNotSupportedError(
        this.url,
        `asked for bytes ${begin}-${end - 1} but Content-Range is ${JSON.stringify(response.headers.get('content-range'))}`,
      );
    }
    const validator = response.headers.get('etag') ?? response.headers.get('last-modified') ?? '';
    if (this.validator === undefined) this.validator = validator;
    else if (validator !== this.validator) {
      throw new WeightFetchError(this.url, `the file changed while loading (validator ${JSON.stringify(this.validator)} -> ${JSON.stringify(validator)})`);
    }
    if (range.total !== undefined) {
      if (this.size !== undefined && range.total !== this.size) {
        throw new WeightFetchError(this.url, `the file size changed from ${this.size} to ${range.total} bytes while loading`);
      }
      this.size = range.total;
    }
  }

  private async readBody(response: Response, expected: number, onBytes: ((received: number) => void) | undefined, watch: IdleWatch): Promise<Uint8Array> {
    const out = new Uint8Array(expected);
    let received = 0;
    if (!response.body) throw new TruncatedResponseError(this.url, expected, 0);
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (received + value.byteLength > expected) {
          throw new RangeNotSupportedError(this.url, `response body is longer than the ${expected} bytes asked for`);
        }
        watch.touch();
        out.set(value, received);
        received += value.byteLength;
        onBytes?.(received);
      }
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      if (error instanceof RangeNotSupportedError) throw error;
      const stalled = this.stalled(watch);
      if (stalled) throw stalled;
      throw new TruncatedResponseError(this.url, expected, received, { cause: error });
    }
    if (received !== expected) throw new TruncatedResponseError(this.url, expected, received);
    return out;
  }
}
