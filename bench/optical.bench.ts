/**
 * Optical pipeline benchmarks (CPU: rendering, preprocessing, metrics, streamed weights).
 * `pnpm bench optical [--quick]`. Gundam token counts are exact; times are medians.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeSafetensors } from '@opticspace/encoder';
import { SeededRandom } from '@opticspace/gpu';
import {
  compressionReport,
  createNodeCanvasFactory,
  countTiles,
  gundamTokenCount,
  MemoryRangeCache,
  poolTokens,
  prepareImage,
  renderTextPage,
  resizeBicubic,
  rgbaToRgb,
  streamCheckpoint,
  RESOLUTION_MODE_NAMES,
  type ResolutionModeName,
} from '@opticspace/optical';
import { timeMedian, type BenchContext, type BenchTable } from './harness';

function cranfieldText(): string {
  const line = readFileSync(new URL('../datasets/cranfield/corpus.jsonl', import.meta.url), 'utf8').split('\n')[0];
  return (JSON.parse(line) as { text: string }).text;
}

export default async function opticalBench(ctx: BenchContext): Promise<BenchTable[]> {
  const repeats = ctx.quick ? 1 : 5;
  const tables: BenchTable[] = [];

  tables.push({
    title: 'Gundam tiles and vision tokens per aspect ratio (count_tiles, 2..6 crops of 640 + 1024 global)',
    rows: [
      [600, 800],
      [1000, 1000],
      [1280, 1920],
      [1654, 2339],
      [1920, 1080],
      [3000, 1000],
      [10000, 100],
      [100, 10000],
    ].map(([width, height]) => {
      const tiles = width <= 640 && height <= 640 ? { columns: 1, rows: 1 } : countTiles(width, height);
      return { image: `${width}x${height}`, aspect: width / height, tiles: `${tiles.columns}x${tiles.rows}`, tokens: gundamTokenCount(width, height) };
    }),
  });

  const factory = await createNodeCanvasFactory();
  const text = cranfieldText();
  const modes: ResolutionModeName[] = ctx.quick ? ['tiny', 'gundam'] : RESOLUTION_MODE_NAMES;
  const rows = [];
  for (const mode of modes) {
    const renderMs = await timeMedian(() => renderTextPage(text, { mode }, factory), repeats);
    const renderCanvasMs = await timeMedian(() => renderTextPage(text, { mode, rasterization: 'canvas' }, factory), repeats);
    const page = renderTextPage(text, { mode }, factory);
    const rgb = rgbaToRgb(page.image);
    const prepareMs = await timeMedian(() => prepareImage(rgb, mode), repeats);
    const metricsMs = await timeMedian(() => compressionReport(text, mode, [page.image]), repeats);
    rows.push({ mode, page: `${page.image.width}x${page.image.height}`, renderMs, renderCanvasMs, prepareMs, metricsMs });
  }
  tables.push({
    title: 'Text page: render (@napi-rs/canvas), preprocess (Pillow-exact resize/pad/crops + normalise), metrics',
    notes: [
      `text: first Cranfield abstract, ${text.length} characters; CPU only, median of ${repeats}`,
      'renderMs: default supersampled text (4x, thresholded); renderCanvasMs: the canvas antialiasing',
    ],
    rows,
  });

  const source = { width: 1654, height: 2339, data: new SeededRandom(1).uniformArray(1654 * 2339 * 3, 0, 255) };
  const image = { width: source.width, height: source.height, data: Uint8Array.from(source.data, (v) => Math.floor(v)) };
  const resizeMs = await timeMedian(() => resizeBicubic(image, 724, 1024), repeats);
  tables.push({
    title: 'Bicubic resize (Pillow arithmetic, TypeScript)',
    rows: [{ from: '1654x2339 (A4 at 200 dpi)', to: '724x1024', ms: resizeMs, megapixelsPerSecond: (image.width * image.height) / 1e3 / resizeMs }],
  });

  const tokens = new SeededRandom(2).normalArray(903 * 1280);
  const poolingRows = [];
  for (const pooling of ['mean', 'max-mean', 'salience'] as const) {
    poolingRows.push({ pooling, ms: await timeMedian(() => poolTokens(tokens, 1280, pooling), repeats) });
  }
  tables.push({ title: 'Pooling 903 x 1280 vision tokens (Gundam page)', rows: poolingRows });

  // Streamed weights over a local HTTP server: encoder tensors only, then a cached second load.
  const random = new SeededRandom(3);
  const megabytes = ctx.quick ? 4 : 32;
  const tensorFloats = (megabytes * 1024 * 1024) / 4 / 4;
  const checkpoint = writeSafetensors({
    'model.layers.0.weight': { shape: [tensorFloats], data: random.uniformArray(tensorFloats) },
    'model.layers.1.weight': { shape: [tensorFloats], data: random.uniformArray(tensorFloats) },
    'model.sam_model.a': { shape: [tensorFloats], data: random.uniformArray(tensorFloats) },
    'model.vision_model.b': { shape: [tensorFloats], data: random.uniformArray(tensorFloats) },
  });
  const server = createServer((request, response) => {
    const [, first, last] = /bytes=(\d+)-(\d+)/.exec(request.headers.range ?? '')!.map(Number);
    response.writeHead(206, { 'content-range': `bytes ${first}-${last}/${checkpoint.length}`, etag: '"bench"' });
    response.end(Buffer.from(checkpoint.subarray(first, last + 1)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/checkpoint.safetensors`;
  const cache = new MemoryRangeCache();
  const start = performance.now();
  const first = await streamCheckpoint(url, { cache });
  const firstMs = performance.now() - start;
  const secondStart = performance.now();
  const second = await streamCheckpoint(url, { cache });
  const secondMs = performance.now() - secondStart;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  tables.push({
    title: 'Streamed checkpoint over HTTP Range (127.0.0.1): encoder tensors only',
    notes: [`file ${(checkpoint.length / 1e6).toFixed(1)} MB, half of it encoder tensors`],
    rows: [
      { load: 'first (network)', networkMB: first.networkBytes / 1e6, cachedMB: first.cachedBytes / 1e6, requests: first.requests, ms: firstMs },
      { load: 'second (cache)', networkMB: second.networkBytes / 1e6, cachedMB: second.cachedBytes / 1e6, requests: second.requests, ms: secondMs },
    ],
  });
  return tables;
}
