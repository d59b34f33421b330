import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { SeededRandom } from '@opticspace/gpu';
import { parseSafetensorsHeader, readHeaderLength } from '@opticspace/encoder';
import { smallCheckpoint } from '../packages/optical/test/small-checkpoint';
import {
  createNodeCanvasFactory,
  decodeImage,
  DEFAULT_FONT_PATHS,
  isEncoderTensor,
  renderTextPages,
  type Canvas2DFactory,
  type ResolutionModeName,
} from '@opticspace/optical';
import { launchChromium, screenshot, watchConsole } from './browser';
// Types of window.__opticalCheck (the page's global declaration).
import type {} from '../demo/src/optical-check';

// @opticspace/optical in Chromium against the same calls in Node: text pages (line breaks and
// pixels), PNG/JPEG decoding, and streamCheckpoint over HTTP Range with the Cache API.

// --- Stated tolerances ------------------------------------------------------------------
// Supersampled text (17 grey levels). packages/optical/scripts/measure-browser-parity.mjs
// measured 1.07 % (Tiny) / 0.17 % (Gundam) of pixels differing, mean |diff| 0.24 / 0.03 levels.
// This file's texts are denser (a full Tiny page); measured here (Chromium 156 headless vs
// @napi-rs/canvas): Tiny 1.55 % / mean 0.35, Gundam 0.32 % / mean 0.06 over all pages; per
// page, differing pixels <= 0.47 x the page's ink pixels and sum |diff| <= 10.8 x ink pixels;
// ink counts within 3.9 %; no pixel off by more than 64 (4 of 16 samples). Bounds: ~1.5x.
const TEXT_PARITY = {
  /** Per mode, over all pages of all texts. */
  maxDifferingFraction: 0.025,
  maxMeanAbsDifference: 0.6,
  /** Per page, relative to the Node page's ink pixels (value < 128): density-independent. */
  maxDifferingPerInkPixel: 0.7,
  maxAbsDifferencePerInkPixel: 16,
  /** Ink pixel counts of the two pages may differ by this fraction. */
  maxInkRelativeDifference: 0.06,
  /** No single pixel may differ by more than this (a shifted glyph or missing font gives 255). */
  maxAbsDifference: 128,
};
// JPEG: both runtimes decode with libjpeg(-turbo) but may upsample chroma and round the IDCT
// differently; a few levels per channel, on few pixels. Measured: identical (Chromium 156).
const JPEG_PARITY = { maxAbsDifference: 8, maxMeanAbsDifference: 1 };

const FONT_ROUTE = '**/__e2e/fonts/DejaVuSans.ttf';
const MODES: ResolutionModeName[] = ['tiny', 'gundam'];

function cranfieldAbstract(): string {
  const file = new URL('../datasets/cranfield/corpus.jsonl', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8').split('\n')[0]) as { text: string }).text;
}

const TEXTS = [
  'Hello optical world: 0123456789 (abc) [xyz] {ÄÖÜ} — “quotes” ½ ≤ ≥ é',
  cranfieldAbstract(),
  // Long enough to run past one Tiny page: pagination must agree too.
  Array.from({ length: 40 }, (_, i) => `Line ${i + 1}: the quick brown fox jumps over the lazy dog, ${(i * 7919) % 1000} times.`).join(' '),
];

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

interface PixelStats {
  pixels: number;
  differing: number;
  sumAbsDifference: number;
  maxAbsDifference: number;
}

/** Per pixel, the largest channel difference (alpha included for RGBA). */
function comparePixels(a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray, channels: number): PixelStats {
  expect(b.length).toBe(a.length);
  const stats: PixelStats = { pixels: a.length / channels, differing: 0, sumAbsDifference: 0, maxAbsDifference: 0 };
  for (let i = 0; i < a.length; i += channels) {
    let d = 0;
    for (let c = 0; c < channels; c++) d = Math.max(d, Math.abs(a[i + c] - b[i + c]));
    if (d > 0) stats.differing++;
    stats.sumAbsDifference += d;
    stats.maxAbsDifference = Math.max(stats.maxAbsDifference, d);
  }
  return stats;
}

function inkPixels(rgba: Uint8Array | Uint8ClampedArray): number {
  let ink = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] < 128) ink++;
  return ink;
}

const format = (stats: PixelStats) =>
  `${((100 * stats.differing) / stats.pixels).toFixed(3)} % pixels differ, mean |diff| ${(stats.sumAbsDifference / stats.pixels).toFixed(4)}, max |diff| ${stats.maxAbsDifference}`;

async function hooksReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__opticalCheck !== undefined, undefined, { timeout: 30_000 });
}

describe('optical pipeline in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: string[];
  let nodeFactory: Canvas2DFactory;

  beforeAll(async () => {
    nodeFactory = await createNodeCanvasFactory();
    const fontPath = DEFAULT_FONT_PATHS.find((path) => existsSync(path));
    if (!fontPath) throw new Error(`DejaVuSans.ttf not found (looked in ${DEFAULT_FONT_PATHS.join(', ')}); install fonts-dejavu-core`);
    const fontBytes = readFileSync(fontPath);
    browser = await launchChromium({ webgpu: false });
    context = await browser.newContext();
    // The page loads the very TTF that Node registers (the dev server may not serve /usr/share).
    await context.route(FONT_ROUTE, (route) => route.fulfill({ status: 200, contentType: 'font/ttf', body: fontBytes }));
    page = await context.newPage();
    consoleErrors = watchConsole(page);
    await page.goto(`${inject('baseUrl')}optical-check.html`);
    await hooksReady(page);
    await page.evaluate((url) => window.__opticalCheck!.loadFont(url), new URL('__e2e/fonts/DejaVuSans.ttf', inject('baseUrl')).href);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders text pages with the same line breaks and nearly the same pixels as Node (Tiny, Gundam)', async () => {
    const statusText = await page.locator('#status').textContent();
    expect(statusText).toMatch(/^Ready\./);
    // The page draws with the TTF that Node uses (served by the route), not a fallback face.
    const loadedFaces = await page.evaluate(() =>
      [...document.fonts].filter((face) => face.family.replace(/"/g, '') === 'DejaVu Sans' && face.status === 'loaded').length,
    );
    expect(loadedFaces).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'optical-check');

    for (const mode of MODES) {
      const total: PixelStats = { pixels: 0, differing: 0, sumAbsDifference: 0, maxAbsDifference: 0 };
      let pagesCompared = 0;
      for (const [textIndex, text] of TEXTS.entries()) {
        const node = renderTextPages(text, { mode }, nodeFactory, 3);
        const remote = await page.evaluate(({ text, mode }) => window.__opticalCheck!.renderText(text, mode, 3), { text, mode });
        const where = `${mode}, text ${textIndex}`;
        expect(remote.pageCount, where).toBe(node[0].pageCount);
        expect(remote.pages.length, where).toBe(node.length);
        for (const [pageIndex, nodePage] of node.entries()) {
          const remotePage = remote.pages[pageIndex];
          expect([remotePage.width, remotePage.height], where).toEqual([nodePage.image.width, nodePage.image.height]);
          expect(remotePage.lines, `${where}, page ${pageIndex}: line breaks`).toEqual(nodePage.lines.map((line) => line.text));
          const remotePixels = fromBase64(remotePage.rgbaBase64);
          const stats = comparePixels(nodePage.image.data, remotePixels, 4);
          // A blank or missing-font page must not pass: both pages carry the same amount of ink.
          const nodeInk = inkPixels(nodePage.image.data);
          const remoteInk = inkPixels(remotePixels);
          expect(nodeInk, where).toBeGreaterThan(0.001 * stats.pixels);
          expect(Math.abs(remoteInk - nodeInk) / nodeInk, `${where}: ink ${remoteInk} vs ${nodeInk}`).toBeLessThanOrEqual(TEXT_PARITY.maxInkRelativeDifference);
          const pageStats = `${where}, page ${pageIndex}: ${format(stats)}, ink ${remoteInk} vs ${nodeInk}`;
          expect(stats.differing / nodeInk, pageStats).toBeLessThanOrEqual(TEXT_PARITY.maxDifferingPerInkPixel);
          expect(stats.sumAbsDifference / nodeInk, pageStats).toBeLessThanOrEqual(TEXT_PARITY.maxAbsDifferencePerInkPixel);
          expect(stats.maxAbsDifference, pageStats).toBeLessThanOrEqual(TEXT_PARITY.maxAbsDifference);
          console.info(`[e2e]   ${pageStats}`);
          total.pixels += stats.pixels;
          total.differing += stats.differing;
          total.sumAbsDifference += stats.sumAbsDifference;
          total.maxAbsDifference = Math.max(total.maxAbsDifference, stats.maxAbsDifference);
          pagesCompared++;
        }
      }
      console.info(`[e2e] text parity ${mode} (${pagesCompared} pages, ${TEXTS.length} texts): line breaks equal; ${format(total)}`);
      expect(total.differing / total.pixels).toBeLessThanOrEqual(TEXT_PARITY.maxDifferingFraction);
      expect(total.sumAbsDifference / total.pixels).toBeLessThanOrEqual(TEXT_PARITY.maxMeanAbsDifference);
    }
    expect(consoleErrors).toEqual([]);
  });

  it('decodes PNG exactly and JPEG within tolerance like Node, and rejects corrupt bytes with ImageDecodeError', async () => {
    // An opaque, odd-sized test image: gradients, hard edges, a wave and mild seeded noise.
    const width = 67;
    const height = 45;
    const random = new SeededRandom(2024);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = 4 * (y * width + x);
        const edge = (x >> 3) % 2 === (y >> 3) % 2 ? 200 : 30;
        rgba[i] = Math.round((255 * x) / (width - 1));
        rgba[i + 1] = x > width / 2 ? edge : Math.round((255 * y) / (height - 1));
        rgba[i + 2] = Math.round(128 + 80 * Math.sin(x / 5) * Math.cos(y / 7)) + random.int(21) - 10;
        rgba[i + 3] = 255;
      }
    }
    const image = { width, height, data: rgba };
    const png = await nodeFactory.encodePng(image);
    const napi = createRequire(new URL('../packages/optical/package.json', import.meta.url))('@napi-rs/canvas') as {
      createCanvas(width: number, height: number): {
        getContext(kind: '2d'): { putImageData(data: unknown, x: number, y: number): void };
        encode(format: 'jpeg', quality: number): Promise<Buffer>;
      };
      ImageData: new (data: Uint8ClampedArray, width: number, height: number) => unknown;
    };
    const canvas = napi.createCanvas(width, height);
    canvas.getContext('2d').putImageData(new napi.ImageData(rgba, width, height), 0, 0);
    const jpeg = new Uint8Array(await canvas.encode('jpeg', 90));
    expect(Array.from(jpeg.subarray(0, 3))).toEqual([0xff, 0xd8, 0xff]);

    const decodeInBrowser = (bytes: Uint8Array) => page.evaluate((base64) => window.__opticalCheck!.decode(base64), toBase64(bytes));

    // PNG: lossless, so both runtimes must give back the source pixels exactly.
    const nodePng = await decodeImage(png, nodeFactory);
    const remotePng = await decodeInBrowser(png);
    if (!remotePng.ok) throw new Error(`browser PNG decode failed: ${JSON.stringify(remotePng.error)}`);
    expect([remotePng.width, remotePng.height]).toEqual([width, height]);
    const source = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) source[3 * p + c] = rgba[4 * p + c];
    expect(Buffer.from(nodePng.data).equals(Buffer.from(source))).toBe(true);
    const pngStats = comparePixels(nodePng.data, fromBase64(remotePng.rgbBase64), 3);
    console.info(`[e2e] PNG decode Node vs Chromium: ${format(pngStats)}`);
    expect(pngStats.maxAbsDifference).toBe(0);

    // JPEG: lossy; the two decoders must agree within the stated tolerance.
    const nodeJpeg = await decodeImage(jpeg, nodeFactory);
    const remoteJpeg = await decodeInBrowser(jpeg);
    if (!remoteJpeg.ok) throw new Error(`browser JPEG decode failed: ${JSON.stringify(remoteJpeg.error)}`);
    expect([remoteJpeg.width, remoteJpeg.height]).toEqual([width, height]);
    const jpegStats = comparePixels(nodeJpeg.data, fromBase64(remoteJpeg.rgbBase64), 3);
    const jpegVsSource = comparePixels(source, nodeJpeg.data, 3);
    console.info(`[e2e] JPEG (q90, ${jpeg.byteLength} bytes) decode Node vs Chromium: ${format(jpegStats)}; Node vs source: ${format(jpegVsSource)}`);
    expect(jpegStats.maxAbsDifference).toBeLessThanOrEqual(JPEG_PARITY.maxAbsDifference);
    expect(jpegStats.sumAbsDifference / jpegStats.pixels).toBeLessThanOrEqual(JPEG_PARITY.maxMeanAbsDifference);
    // The JPEG really is this image: q90 with 4:2:0 chroma on sharp colour edges is ~11 levels
    // off on average (largest channel; measured 10.96), a wrong or blank image 60 or more.
    expect(jpegVsSource.sumAbsDifference / jpegVsSource.pixels).toBeLessThan(16);

    // Corrupt bytes: a typed error, not a crash or a blank image.
    const corrupt = png.slice(0, 40);
    const remoteCorrupt = await decodeInBrowser(corrupt);
    expect(remoteCorrupt.ok).toBe(false);
    if (!remoteCorrupt.ok) {
      expect(remoteCorrupt.error).toMatchObject({ name: 'ImageDecodeError', code: 'IMAGE_DECODE', typed: true });
      expect(remoteCorrupt.error.message).toContain('40 bytes');
    }
    expect(consoleErrors).toEqual([]);
  });

  describe('streamCheckpoint over HTTP Range with the Cache API', () => {
    // Encoder tensors (fetched) between "language model" tensors (never fetched).
    const { tensors, checkpoint } = smallCheckpoint(11, 96);
    const header = parseSafetensorsHeader(checkpoint, checkpoint.byteLength);
    const headerEnd = 8 + readHeaderLength(checkpoint.subarray(0, 8), checkpoint.byteLength);
    const encoderNames = [...header.tensors.keys()].filter(isEncoderTensor).sort((a, b) => header.tensors.get(a)!.begin - header.tensors.get(b)!.begin);
    const encoderBytes = encoderNames.reduce((sum, name) => sum + header.tensors.get(name)!.end - header.tensors.get(name)!.begin, 0);

    /** GET requests per path (preflights not counted), with the byte ranges answered. */
    const served: Record<string, { gets: number; ranges: Array<[number, number]> }> = {};
    let server: Server;
    let origin = '';
    /** ETag of /changing.safetensors: a new value means a new file version. */
    let changingEtag = '"changing-v1"';

    beforeAll(async () => {
      server = createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0];
        const cors = {
          'access-control-allow-origin': '*',
          'access-control-allow-headers': 'range',
          'access-control-expose-headers': 'content-range, etag, content-length',
        };
        if (request.method === 'OPTIONS') {
          response.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET' }).end();
          return;
        }
        const log = (served[path] ??= { gets: 0, ranges: [] });
        log.gets++;
        // no-store: Chromium's HTTP cache must not answer anything; only the Cache API may.
        const headers: Record<string, string> = { ...cors, 'content-type': 'application/octet-stream', etag: path === '/changing.safetensors' ? changingEtag : '"ckpt-v1"', 'cache-control': 'no-store' };
        const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
        if (path === '/ignores-range.safetensors' || !match) {
          response.writeHead(200, { ...headers, 'content-length': String(checkpoint.byteLength) }).end(Buffer.from(checkpoint));
          return;
        }
        const first = Number(match[1]);
        const last = Math.min(Number(match[2]), checkpoint.byteLength - 1);
        log.ranges.push([first, last + 1]);
        response
          .writeHead(206, { ...headers, 'content-range': `bytes ${first}-${last}/${checkpoint.byteLength}`, 'content-length': String(last - first + 1) })
          .end(Buffer.from(checkpoint.subarray(first, last + 1)));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    });

    const stream = (url: string) => page.evaluate((target) => window.__opticalCheck!.stream(target), url);

    function expectEncoderTensors(tensorsBase64: Record<string, string>): void {
      expect(Object.keys(tensorsBase64)).toEqual(encoderNames);
      for (const name of encoderNames) {
        const info = header.tensors.get(name)!;
        expect(Buffer.from(tensorsBase64[name], 'base64').equals(Buffer.from(checkpoint.subarray(info.begin, info.end))), name).toBe(true);
      }
    }

    it('first load fetches only the header and the encoder tensors; after a reload everything but 8 bytes comes from the Cache API', async () => {
      const url = `${origin}/ckpt.safetensors`;
      expect(await page.evaluate(() => window.__opticalCheck!.cachedRangeCount())).toBe(0);

      const first = await stream(url);
      if (!first.ok) throw new Error(`first load failed: ${JSON.stringify(first.error)}`);
      expectEncoderTensors(first.tensorsBase64);
      expect(first.fileBytes).toBe(checkpoint.byteLength);
      expect(first.cachedBytes).toBe(0);
      expect(first.networkBytes).toBe(headerEnd + encoderBytes);
      expect(first.lastProgress).toEqual({ loadedBytes: headerEnd + encoderBytes, totalBytes: headerEnd + encoderBytes, cachedBytes: 0 });
      const firstLog = served['/ckpt.safetensors'];
      expect(firstLog.gets).toBe(first.requests);
      expect(firstLog.ranges.slice(0, 2)).toEqual([
        [0, 8],
        [8, headerEnd],
      ]);
      // Every tensor range served lies inside the encoder tensors; no language-model byte is sent.
      for (const [begin, end] of firstLog.ranges.slice(2)) {
        for (const [name, info] of header.tensors) {
          const overlaps = begin < info.end && info.begin < end;
          if (overlaps) expect(isEncoderTensor(name), `range [${begin}, ${end}) overlaps ${name}`).toBe(true);
        }
      }
      const tensorBytesServed = firstLog.ranges.slice(2).reduce((sum, [begin, end]) => sum + end - begin, 0);
      expect(tensorBytesServed).toBe(encoderBytes);
      const cachedRanges = await page.evaluate(() => window.__opticalCheck!.cachedRangeCount());
      expect(cachedRanges).toBe(first.requests - 1); // every range but the 8-byte prefix
      console.info(
        `[e2e] streamCheckpoint first load: ${first.requests} requests, ${first.networkBytes} of ${checkpoint.byteLength} bytes; ${cachedRanges} ranges cached`,
      );

      await page.reload();
      await hooksReady(page);
      const getsBefore = firstLog.gets;
      const second = await stream(url);
      if (!second.ok) throw new Error(`second load failed: ${JSON.stringify(second.error)}`);
      expectEncoderTensors(second.tensorsBase64);
      expect(second.requests).toBe(1);
      expect(second.networkBytes).toBe(8);
      expect(second.cachedBytes).toBe(first.networkBytes - 8);
      expect(served['/ckpt.safetensors'].gets - getsBefore).toBe(1);
      expect(served['/ckpt.safetensors'].ranges.at(-1)).toEqual([0, 8]);
      console.info(`[e2e] streamCheckpoint after reload: ${second.requests} request (${second.networkBytes} bytes), ${second.cachedBytes} bytes from the Cache API`);
      expect(consoleErrors).toEqual([]);
    });

    it('does not serve cached ranges after the file changed (new ETag)', async () => {
      const url = `${origin}/changing.safetensors`;
      const first = await stream(url);
      if (!first.ok) throw new Error(`first load failed: ${JSON.stringify(first.error)}`);
      expect(first.cachedBytes).toBe(0);
      const again = await stream(url);
      if (!again.ok) throw new Error(`second load failed: ${JSON.stringify(again.error)}`);
      expect([again.requests, again.cachedBytes]).toEqual([1, first.networkBytes - 8]);

      changingEtag = '"changing-v2"';
      const getsBefore = served['/changing.safetensors'].gets;
      const changed = await stream(url);
      if (!changed.ok) throw new Error(`load after the change failed: ${JSON.stringify(changed.error)}`);
      expectEncoderTensors(changed.tensorsBase64);
      expect(changed.cachedBytes).toBe(0);
      expect(changed.requests).toBe(first.requests);
      expect(served['/changing.safetensors'].gets - getsBefore).toBe(first.requests);
      // Both versions' ranges are now cached under their own validator.
      expect(await cachedCountOf(page, 'changing.safetensors')).toBe(2 * (first.requests - 1));
      expect(consoleErrors).toEqual([]);
    });

    it('rejects a server that ignores Range with RangeNotSupportedError in the browser', async () => {
      const result = await stream(`${origin}/ignores-range.safetensors`);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({ name: 'RangeNotSupportedError', code: 'RANGE_NOT_SUPPORTED', typed: true });
        expect(result.error.message).toContain('answered 200');
      }
      // It stopped at the first request: nothing else was fetched and nothing was cached.
      expect(served['/ignores-range.safetensors'].gets).toBe(1);
      expect(await cachedCountOf(page, 'ignores-range')).toBe(0);
      expect(consoleErrors).toEqual([]);
    });
  });
});

/** Cache entries whose key mentions `fragment` (the store is shared by every URL on the page's origin). */
async function cachedCountOf(page: Page, fragment: string): Promise<number> {
  return page.evaluate(async (needle) => {
    const keys = await (await caches.open('opticspace-weights')).keys();
    return keys.filter((request) => request.url.includes(needle)).length;
  }, fragment);
}
