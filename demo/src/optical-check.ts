// Check page for @opticspace/optical in the browser: text pages, image decoding and streamed
// weights. It shows a sample page; the e2e suite (e2e/optical.e2e.test.ts) drives
// `window.__opticalCheck` and compares every result with the same call in Node.
import { OpticspaceError } from '@opticspace/gpu';
import {
  CacheStorageRangeCache,
  createBrowserCanvasFactory,
  decodeImage,
  loadBrowserFont,
  renderTextPages,
  streamCheckpoint,
  type ResolutionModeName,
  type StreamProgress,
} from '@opticspace/optical';

export interface OpticalCheckError {
  name: string;
  code?: string;
  message: string;
  /** True when the error is one of opticspace's typed errors (extends OpticspaceError). */
  typed: boolean;
}

export interface RenderedPagesResult {
  pageCount: number;
  pages: Array<{ width: number; height: number; lines: string[]; rgbaBase64: string }>;
}

export type DecodeResult = { ok: true; width: number; height: number; rgbBase64: string } | { ok: false; error: OpticalCheckError };

export type StreamResult =
  | {
      ok: true;
      names: string[];
      fileBytes: number;
      networkBytes: number;
      cachedBytes: number;
      requests: number;
      lastProgress: StreamProgress | null;
      /** Tensor name -> its bytes as read back from the result's source (base64). */
      tensorsBase64: Record<string, string>;
    }
  | { ok: false; error: OpticalCheckError };

export interface OpticalCheckHooks {
  /** Registers a TTF (e.g. DejaVuSans.ttf served to the page) as 'DejaVu Sans'. */
  loadFont(url: string): Promise<void>;
  renderText(text: string, mode: ResolutionModeName, maxPages: number): RenderedPagesResult;
  decode(bytesBase64: string): Promise<DecodeResult>;
  stream(url: string): Promise<StreamResult>;
  /** Number of entries in the Cache API store that streamCheckpoint uses. */
  cachedRangeCount(): Promise<number>;
}

declare global {
  interface Window {
    __opticalCheck?: OpticalCheckHooks;
  }
}

const CACHE_NAME = 'opticspace-weights';

function toBase64(bytes: Uint8Array | Uint8ClampedArray): string {
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function describeError(error: unknown): OpticalCheckError {
  if (error instanceof OpticspaceError) return { name: error.name, code: error.code, message: error.message, typed: true };
  if (error instanceof Error) return { name: error.name, message: error.message, typed: false };
  return { name: typeof error, message: String(error), typed: false };
}

const hooks: OpticalCheckHooks = {
  loadFont: (url) => loadBrowserFont(url),
  renderText(text, mode, maxPages) {
    const pages = renderTextPages(text, { mode }, createBrowserCanvasFactory(), maxPages);
    return {
      pageCount: pages[0].pageCount,
      pages: pages.map((page) => ({
        width: page.image.width,
        height: page.image.height,
        lines: page.lines.map((line) => line.text),
        rgbaBase64: toBase64(page.image.data),
      })),
    };
  },
  async decode(bytesBase64) {
    try {
      const image = await decodeImage(fromBase64(bytesBase64), createBrowserCanvasFactory());
      return { ok: true, width: image.width, height: image.height, rgbBase64: toBase64(image.data) };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  },
  async stream(url) {
    let lastProgress: StreamProgress | null = null;
    try {
      const loaded = await streamCheckpoint(url, { cache: new CacheStorageRangeCache(CACHE_NAME), onProgress: (progress) => (lastProgress = progress) });
      const tensorsBase64: Record<string, string> = {};
      for (const name of loaded.names) {
        const info = loaded.header.tensors.get(name)!;
        tensorsBase64[name] = toBase64(await loaded.source.readRange(info.begin, info.end));
      }
      const { names, fileBytes, networkBytes, cachedBytes, requests } = loaded;
      return { ok: true, names, fileBytes, networkBytes, cachedBytes, requests, lastProgress, tensorsBase64 };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  },
  async cachedRangeCount() {
    return (await (await caches.open(CACHE_NAME)).keys()).length;
  },
};

const SAMPLE_TEXT =
  'Optical compression: this page is rendered by @opticspace/optical in your browser with the same layout ' +
  'code as Node (DejaVu Sans, greedy wrapping, 4x supersampled text), ready for the DeepEncoder Tiny view.';

function showSample(): void {
  const status = document.querySelector<HTMLParagraphElement>('#status')!;
  const preview = document.querySelector<HTMLCanvasElement>('#preview')!;
  try {
    const [page] = renderTextPages(SAMPLE_TEXT, { mode: 'tiny' }, createBrowserCanvasFactory(), 1);
    preview.width = page.image.width;
    preview.height = page.image.height;
    preview.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(page.image.data), page.image.width, page.image.height), 0, 0);
    status.textContent = `Ready. Sample Tiny page: ${page.image.width} x ${page.image.height}, ${page.lines.length} lines.`;
  } catch (error) {
    status.textContent = `Optical checks could not run: ${(error as Error).message}`;
  }
}

window.__opticalCheck = hooks;
showSample();
