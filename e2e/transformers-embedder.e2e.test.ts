// TransformersEmbedder in Chromium: the browser build of @huggingface/transformers (its
// self-contained dist/transformers.js, onnxruntime-web inside) runs the tiny generated BERT-like
// model on the wasm and the WebGPU (SwiftShader) backends, and the vectors equal the plain-TS
// forward pass. Every request of the page is answered by a Playwright route: nothing is
// listening at ORIGIN (localhost, so that the page is a secure context with navigator.gpu) and
// nothing reaches a network.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shaderAlias } from '../scripts/shader-alias.mjs';
import { makeTinyModel, referenceEmbedding, tinyModelFiles } from '../packages/eval/test/fixtures/tiny-transformer';
import { launchChromium, watchConsole } from './browser';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ORIGIN = 'http://localhost:9';
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

const fromEval = createRequire(join(ROOT, 'packages/eval/package.json'));
const transformersDist = join(dirname(fromEval.resolve('@huggingface/transformers')), '../dist');
const ortDist = join(dirname(createRequire(join(transformersDist, '../package.json')).resolve('onnxruntime-web')), '../dist');

/** The adapter (and what it imports from @opticspace/gpu) as one ES module for the page. */
async function adapterBundle(): Promise<string> {
  const output = (await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { alias: shaderAlias },
    build: {
      write: false,
      minify: false,
      lib: { entry: join(ROOT, 'packages/eval/src/embedder/transformers-embedder.ts'), formats: ['es'], fileName: 'adapter' },
    },
  })) as Rollup.RollupOutput[];
  const chunks = output.flatMap((result) => result.output).filter((item): item is Rollup.OutputChunk => item.type === 'chunk');
  expect(chunks).toHaveLength(1);
  return chunks[0].code;
}

const model = makeTinyModel();
const texts = ['The wing flutters in the boundary layer', 'sql injection', 'zzz qqq heated', 'Path traversal!', 'shell buckling of a thin shell'];

const page = `<!doctype html><meta charset="utf-8"><script type="module">
import * as transformers from '/transformers.js';
import { TransformersEmbedder } from '/adapter.js';
try {
  transformers.env.backends.onnx.wasm.wasmPaths = '/ort/';
  transformers.env.backends.onnx.wasm.numThreads = 1;
  const progress = [];
  const embedder = await TransformersEmbedder.create({
    model: '${model.name}', localModelPath: '/models/', allowRemoteModels: false, batchSize: 2,
    device: new URLSearchParams(location.search).get('device'),
    transformers, onProgress: (event) => progress.push(event),
  });
  const vectors = await embedder.embedDocuments(${JSON.stringify(texts)});
  window.__result = { dims: embedder.dims, vectors: Array.from(vectors), progress };
  await embedder.dispose();
} catch (error) {
  window.__result = { error: String(error && error.stack || error) };
}
</script>`;

describe('TransformersEmbedder in Chromium (transformers.js browser build, offline)', () => {
  let browser: Browser;
  let adapter: string;
  beforeAll(async () => {
    adapter = await adapterBundle();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(['wasm', 'webgpu'])('device %s: embeds with the tiny local model; vectors equal the TS forward pass to 1e-5', async (device) => {
    const context = await browser.newContext();
    const modelFiles = tinyModelFiles(model);
    const served: string[] = [];
    const refused: string[] = [];
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      const path = decodeURIComponent(url.pathname);
      let body: string | Uint8Array | undefined;
      if (url.origin === ORIGIN) {
        if (path === '/') body = page;
        else if (path === '/transformers.js') body = readFileSync(join(transformersDist, 'transformers.js'));
        else if (path === '/adapter.js') body = adapter;
        else if (path.startsWith('/ort/') && /^[\w.-]+$/.test(path.slice(5))) body = readFileSync(join(ortDist, path.slice(5)));
        else if (path.startsWith(`/models/${model.name}/`)) body = modelFiles[path.slice(`/models/${model.name}/`.length)];
      }
      if (body === undefined) {
        refused.push(url.href);
        await route.fulfill({ status: 404, body: 'not found' });
        return;
      }
      served.push(path);
      await route.fulfill({ status: 200, contentType: MIME[extname(path)] ?? (path === '/' ? 'text/html' : 'application/octet-stream'), body: Buffer.from(body) });
    });
    const tab = await context.newPage();
    const errors = watchConsole(tab);
    await tab.goto(`${ORIGIN}/?device=${device}`);
    await tab.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 120_000 });
    const result = (await tab.evaluate(() => (window as unknown as { __result: unknown }).__result)) as {
      error?: string;
      dims: number;
      vectors: number[];
      progress: Array<{ stage: string; file?: string; done?: number }>;
    };
    expect(result.error).toBeUndefined();
    expect(result.dims).toBe(model.hidden);
    let maxError = 0;
    texts.forEach((text, row) => {
      const expected = referenceEmbedding(model, text);
      for (let d = 0; d < model.hidden; d++) maxError = Math.max(maxError, Math.abs(result.vectors[row * model.hidden + d] - expected[d]));
    });
    expect(maxError).toBeLessThan(1e-5);
    expect(result.progress.filter((event) => event.stage === 'embed').map((event) => event.done)).toEqual([2, 4, 5]);
    expect(served).toEqual(expect.arrayContaining([`/models/${model.name}/onnx/model.onnx`, `/models/${model.name}/tokenizer.json`]));
    expect(served.some((path) => path.startsWith('/ort/') && path.endsWith('.wasm'))).toBe(true);
    if (device === 'webgpu') expect(await tab.evaluate(async () => (await navigator.gpu?.requestAdapter()) != null)).toBe(true);
    // Optional files transformers.js probes for locally may 404 (e.g. generation_config.json); nothing leaves the origin.
    expect(refused.filter((href) => !href.startsWith(`${ORIGIN}/models/${model.name}/`))).toEqual([]);
    expect(errors.filter((message) => !/404|Failed to load resource/.test(message))).toEqual([]);
    await context.close();
  });
});
