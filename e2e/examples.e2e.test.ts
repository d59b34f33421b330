/**
 * The release check (`pnpm release:check`): the packages as npm users get them. The published
 * packages are packed with `pnpm pack`, linted (publint, arethetypeswrong), and installed with
 * npm into throwaway copies of the examples (examples/): a Vite app, an esbuild and Rollup
 * browser bundle, a plain page with an import map, a Node ESM and a Node CommonJS project. Each
 * is type-checked under `skipLibCheck: false` in its own TypeScript setup and built; the pages
 * run in Chromium (WebGPU on SwiftShader) and the Node projects on Dawn. The sizes of what each
 * consumer ships are printed and written to e2e/artifacts/release-check.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createServer } from 'vite';
import { ARTIFACTS_DIR, launchChromium, screenshot, watchConsole } from './browser';
import { serveStatic, type StaticSite } from './static-server';
import { packPublishedPackages, tarballProblems, type Tarball } from '../scripts/release-check/tarballs';
import { arethetypeswrong, publint } from '../scripts/release-check/lint';
import { CONSUMERS, filesUnder, installConsumer, nodeOnlyReferences, runScript, totalBytes } from '../scripts/release-check/consumers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface SizeRow {
  consumer: string;
  output: string;
  files: number;
  bytes: number;
  gzipBytes: number;
}

interface ClusterResult {
  error?: string;
  backend: string;
  clusters: number;
  cosine: Array<{ index: number; score: number }>;
  hybrid: Array<{ index: number; score: number }>;
  reloaded: Array<{ index: number; score: number }>;
  /** plain-html only: BM25 over the items' texts and the default fusion. */
  bm25?: Array<{ index: number; score: number }>;
  fused?: Array<{ index: number; score: number }>;
}

/** Size of some output files, raw and gzipped (one gzip per file, as a server sends them). */
function sizeOf(consumer: string, output: string, files: string[]): SizeRow {
  const gzipBytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
  return { consumer, output, files: files.length, bytes: totalBytes(files), gzipBytes };
}

/** What the installed packages weigh in a consumer's node_modules (Node projects ship them as they are). */
function installedPackages(consumer: string, name: string): SizeRow {
  const files = [...filesUnder(join(consumer, 'node_modules/opticspace'), /./), ...filesUnder(join(consumer, 'node_modules/@opticspace'), /./)];
  return sizeOf(name, 'node_modules/{opticspace,@opticspace/*} as installed', files);
}

async function waitForExample<T>(page: Page): Promise<T> {
  await page.waitForFunction(() => (window as unknown as { __example?: unknown }).__example !== undefined, undefined, { timeout: 120_000 });
  return (await page.evaluate(() => (window as unknown as { __example: unknown }).__example)) as T;
}

describe('the packages as npm users get them', () => {
  let work: string;
  let tarballs: Tarball[];
  let browser: Browser;
  const consumers: Record<string, string> = {};
  const sizes: SizeRow[] = [];
  const steps: Array<{ consumer: string; script: string; ms: number }> = [];
  let browserClusters: ClusterResult | undefined;

  /** Installs the tarballs into a copy of examples/<name> and runs its scripts; returns the last script's stdout. */
  function setUp(name: string): string {
    const consumer = installConsumer(name, tarballs, work);
    consumers[name] = consumer;
    let stdout = '';
    for (const script of CONSUMERS[name].scripts) {
      const run = runScript(consumer, script);
      steps.push({ consumer: name, script, ms: Math.round(run.ms) });
      expect(run.ok, `${name}: npm run ${script}\n${run.output}`).toBe(true);
      stdout = run.stdout;
    }
    return stdout;
  }

  /** Asserts that a browser build reaches no Node-only code; returns its JavaScript files. */
  function expectBrowserSafe(name: string, folder: string): string[] {
    const files = filesUnder(join(consumers[name], folder));
    expect(files.length, `${name}/${folder} has JavaScript`).toBeGreaterThan(0);
    for (const file of files) expect(nodeOnlyReferences(readFileSync(file, 'utf8')), file).toEqual([]);
    return files;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'opticspace-release-'));
    tarballs = await packPublishedPackages(join(work, 'packs'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    if (!tarballs) return;
    const packed = tarballs.map((tarball) => ({ name: tarball.name, packedBytes: tarball.packedBytes, unpackedBytes: tarball.files.reduce((sum, file) => sum + file.bytes, 0), files: tarball.files.length }));
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, 'release-check.json'), `${JSON.stringify({ tarballs: packed, consumers: sizes, steps }, null, 2)}\n`);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    console.info(
      [
        '[release-check] tarballs:',
        ...packed.map((row) => `  ${row.name}: ${kb(row.packedBytes)} packed, ${kb(row.unpackedBytes)} in ${row.files} files`),
        '[release-check] consumers:',
        ...sizes.map((row) => `  ${row.consumer}: ${row.output}: ${kb(row.bytes)} (${kb(row.gzipBytes)} gzipped) in ${row.files} files`),
      ].join('\n'),
    );
  });

  it('each tarball holds dist/, README and LICENSE, and a manifest with its metadata and no build scripts', () => {
    expect(tarballs.map((tarball) => tarball.name).sort()).toEqual(['@opticspace/encoder', '@opticspace/gpu', '@opticspace/index', 'opticspace']);
    for (const tarball of tarballs) expect(tarballProblems(tarball, tarballs), tarball.name).toEqual([]);
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    for (const tarball of tarballs) expect(readFileSync(join(tarball.unpacked, 'LICENSE'), 'utf8'), tarball.name).toBe(license);
  });

  it('publint --strict and arethetypeswrong (ESM) report no problems', () => {
    for (const tarball of tarballs) {
      for (const result of [publint(tarball.file), arethetypeswrong(tarball.file)]) {
        expect(result.ok, `${result.tool} ${tarball.name}:\n${result.output}`).toBe(true);
      }
    }
  });

  it(`vite-app (${CONSUMERS['vite-app'].setup}): bundles without Node code or unused encoder code; the build and the dev server run in Chromium`, async () => {
    setUp('vite-app');
    const files = expectBrowserSafe('vite-app', 'dist');
    const bundle = files.map((file) => readFileSync(file, 'utf8')).join('\n');
    // Tree shaking: the app uses the index, so the index's WGSL is in and the encoder's is not.
    expect(bundle).toContain(readFileSync(join(ROOT, 'shaders/index/score.wgsl'), 'utf8').split('\n')[0]);
    expect(bundle).not.toContain(readFileSync(join(ROOT, 'shaders/encoder/attention.wgsl'), 'utf8').split('\n')[0]);
    sizes.push(sizeOf('vite-app', 'dist/assets/*.js (vite build, minified)', files));

    const site = await serveStatic(join(consumers['vite-app'], 'dist'));
    const page = await browser.newPage();
    const errors = watchConsole(page);
    try {
      await page.goto(`${site.url}index.html`);
      const first = await waitForExample<{ backend: string; words: string[] }>(page);
      expect(first.backend).toBe('webgpu');
      expect(first.words[0]).toBe('energy');
      await page.fill('#query', 'shadr');
      await page.waitForFunction(() => (window as unknown as { __example: { query: string } }).__example.query === 'shadr');
      const typed = (await page.evaluate(() => (window as unknown as { __example: unknown }).__example)) as { words: string[] };
      expect(typed.words[0]).toBe('shader');
      await screenshot(page, 'example-vite-app');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await site.close();
    }
    // `npx vite` too: the dev server pre-bundles the packages (with the browser conditions).
    const server = await createServer({ root: consumers['vite-app'], configFile: join(consumers['vite-app'], 'vite.config.ts'), logLevel: 'warn', server: { port: 0, host: '127.0.0.1', watch: null, hmr: false } });
    await server.listen();
    const devPage = await browser.newPage();
    const devErrors = watchConsole(devPage);
    try {
      await devPage.goto(server.resolvedUrls!.local[0]);
      const dev = await waitForExample<{ backend: string; words: string[] }>(devPage);
      expect([dev.backend, dev.words[0]]).toEqual(['webgpu', 'energy']);
      expect(devErrors).toEqual([]);
    } finally {
      await devPage.close();
      await server.close();
    }
  });

  it(`plain-html (${CONSUMERS['plain-html'].setup}): runs in Chromium, round-trips OPFS, fetches no encoder module`, async () => {
    setUp('plain-html');
    const site: StaticSite = await serveStatic(consumers['plain-html']);
    const page = await browser.newPage();
    const errors = watchConsole(page);
    try {
      await page.goto(`${site.url}index.html`);
      const result = await waitForExample<ClusterResult>(page);
      expect(result.error).toBeUndefined();
      expect(result.backend).toBe('webgpu');
      // The query is cluster 3's centre; its 150 members are far closer than any other point.
      expect(result.cosine.map((hit) => hit.index % result.clusters)).toEqual([3, 3, 3, 3, 3]);
      expect(result.hybrid.map((hit) => hit.index % result.clusters)).toEqual([3, 3, 3, 3, 3]);
      expect(result.reloaded).toEqual(result.hybrid);
      // Lexical search in the browser: BM25 (CSR product on WebGPU) and the default fusion find cluster 3's texts.
      expect(result.bm25!.map((hit) => hit.index % result.clusters)).toEqual([3, 3, 3, 3, 3]);
      expect(result.fused!.map((hit) => hit.index % result.clusters)).toEqual([3, 3, 3, 3, 3]);
      await screenshot(page, 'example-plain-html');
      expect(errors).toEqual([]);
      browserClusters = result;
    } finally {
      await page.close();
      await site.close();
    }
    const modules = site.served.filter((path) => path.endsWith('.js'));
    // The root entry is the runtime and the index: the encoder's modules are never fetched.
    expect(modules.filter((path) => path.includes('@opticspace/encoder'))).toEqual([]);
    expect(modules.filter((path) => path.includes('@opticspace/index')).length).toBeGreaterThan(10);
    for (const path of modules) expect(nodeOnlyReferences(readFileSync(join(consumers['plain-html'], path), 'utf8')), path).toEqual([]);
    sizes.push(sizeOf('plain-html', 'modules the page fetched (unbundled, unminified)', modules.map((path) => join(consumers['plain-html'], path))));
  });

  it(`browser-bundle (${CONSUMERS['browser-bundle'].setup}): no Node code in either bundle; the esbuild one runs in Chromium`, async () => {
    setUp('browser-bundle');
    for (const [bundler, folder] of [['esbuild', 'dist/esbuild'], ['rollup', 'dist/rollup']]) {
      const files = expectBrowserSafe('browser-bundle', folder);
      const bundle = files.map((file) => readFileSync(file, 'utf8')).join('\n');
      // The browser stubs of the three Node-only modules were picked (by the `default` condition).
      for (const stub of ["Dawn (the 'webgpu' package) is for Node only", 'file paths are read and written in Node only', 'local files are opened in Node only']) {
        expect(bundle, `${bundler}: ${stub}`).toContain(stub);
      }
      sizes.push(sizeOf('browser-bundle', bundler === 'esbuild' ? 'dist/esbuild (esbuild --minify)' : 'dist/rollup (Rollup, not minified)', files));
    }
    const site = await serveStatic(consumers['browser-bundle']);
    const page = await browser.newPage();
    const errors = watchConsole(page);
    try {
      await page.goto(`${site.url}index.html`);
      const result = await waitForExample<{ lines: string[]; backend: string }>(page);
      expect(result.backend).toBe('webgpu');
      expect(result.lines).toContain('nearest to item 5 by cosine on webgpu: item 5');
      expect(result.lines).toContain('read layer.weight [2,2]: 1, 2, 3, 4');
      expect(result.lines.at(-1)).toMatch(/^cannot open weights file 'weights\.safetensors': local files are opened in Node only/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await site.close();
    }
  });

  it(`node-esm (${CONSUMERS['node-esm'].setup}): runs on Dawn, saves and loads a file, same results as Chromium`, () => {
    const result = JSON.parse(setUp('node-esm')) as ClusterResult & { adapter: string; tensor: { shape: number[]; data: number[] } };
    expect(result.backend).toBe('webgpu');
    expect(result.adapter).toContain('dawn');
    expect(result.cosine.map((hit) => hit.index % 8)).toEqual([3, 3, 3, 3, 3]);
    expect(result.reloaded).toEqual(result.hybrid);
    expect(result.tensor).toEqual({ shape: [2, 2], data: [1, 2, 3, 4] });
    // Same data and seeds as the plain page: the same items rank first on lavapipe and on SwiftShader.
    if (browserClusters) {
      expect(result.cosine.map((hit) => hit.index)).toEqual(browserClusters.cosine.map((hit) => hit.index));
      expect(result.hybrid.map((hit) => hit.index)).toEqual(browserClusters.hybrid.map((hit) => hit.index));
    }
    sizes.push(installedPackages(consumers['node-esm'], 'node-esm'));
  });

  it(`node-cjs (${CONSUMERS['node-cjs'].setup}): require() loads the ES modules and runs on Dawn`, () => {
    const result = JSON.parse(setUp('node-cjs')) as { backend: string; hits: Array<{ index: number }>; tensor: number[] };
    expect(readFileSync(join(consumers['node-cjs'], 'build/main.js'), 'utf8')).toMatch(/require\("opticspace"\)/);
    expect(result.backend).toBe('webgpu');
    expect(result.hits[0].index).toBe(5);
    expect(result.tensor).toEqual([0.5, -1, 2]);
    sizes.push(installedPackages(consumers['node-cjs'], 'node-cjs'));
  });
});
