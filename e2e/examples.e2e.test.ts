import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { build } from 'vite';
import { launchChromium, screenshot, watchConsole } from './browser';

// The library as users get it: the packages' built ESM (dist/), used from a plain HTML page
// through an import map (no bundler) and from a minimal Vite app, both in Chromium on WebGPU.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['gpu', 'index', 'encoder', 'opticspace'] as const; // dependency order
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json' };

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds each package whose dist/ is missing or older than its sources (or the shaders). */
async function ensurePackagesBuilt(): Promise<string[]> {
  const built: string[] = [];
  const shaders = newestMtime(join(ROOT, 'shaders'));
  for (const name of PACKAGES) {
    const directory = join(ROOT, 'packages', name);
    const output = join(directory, 'dist/index.js');
    const sources = Math.max(newestMtime(join(directory, 'src')), shaders, built.length > 0 ? Date.now() : 0);
    if (existsSync(output) && statSync(output).mtimeMs >= sources) continue;
    await build({ configFile: join(directory, 'vite.config.ts'), logLevel: 'warn' });
    built.push(name);
  }
  return built;
}

/** A static file server for the repository: what `python -m http.server` would do. */
function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

function jsFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(directory, name));
}

describe('examples', () => {
  let browser: Browser;
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    const rebuilt = await ensurePackagesBuilt();
    if (rebuilt.length) console.info(`[e2e] rebuilt ${rebuilt.join(', ')}`);
    ({ server, url: baseUrl } = await serveStatic(ROOT.endsWith(sep) ? ROOT : ROOT + sep));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
  });

  it('npm pack ships only each package\'s dist: ESM, declarations, no sources or test data', () => {
    for (const name of PACKAGES) {
      const directory = join(ROOT, 'packages', name);
      const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: directory, encoding: 'utf8' })) as Array<{
        name: string;
        files: Array<{ path: string }>;
      }>;
      const files = packed.files.map((file) => file.path);
      expect(files, name).toContain('dist/index.js');
      expect(files, name).toContain('dist/index.d.ts');
      // npm always adds package.json and a README/LICENSE/CHANGELOG when there is one.
      expect(files.filter((path) => !/^(package\.json|(README|LICENSE|CHANGELOG)(\.md)?)$/i.test(path) && !path.startsWith('dist/')), name).toEqual([]);
      expect(files.filter((path) => /(^|\/)(test|fixtures?)\/|\.test\.|\.wgsl$|(?<!\.d)\.ts$/.test(path)), name).toEqual([]);
      // Declarations resolve on their own: no `?raw` shader imports, no paths into src/.
      for (const path of files.filter((file) => file.endsWith('.d.ts'))) {
        expect(readFileSync(join(directory, path), 'utf8'), `${name}/${path}`).not.toMatch(/\?raw|\/src\//);
      }
    }
  });

  it('plain HTML page with an import map (no bundler)', async () => {
    const page = await browser.newPage();
    const errors = watchConsole(page);
    await page.goto(`${baseUrl}examples/plain-html/index.html`);
    await page.waitForFunction(() => (window as unknown as { __example?: unknown }).__example !== undefined, undefined, { timeout: 120_000 });
    const result = (await page.evaluate(() => (window as unknown as { __example: unknown }).__example)) as {
      error?: string;
      backend: string;
      clusters: number;
      cosine: Array<{ index: number; score: number }>;
      energy: Array<{ index: number; score: number }>;
      bm25: Array<{ index: number; score: number }>;
      fused: Array<{ index: number; score: number }>;
    };
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    // The query is cluster 3's centre; the 150 members are far closer than any other point.
    expect(result.cosine.map((hit) => hit.index % result.clusters)).toEqual([3, 3, 3, 3, 3]);
    expect(result.energy.map((hit) => hit.index % result.clusters)).toEqual([3, 3, 3, 3, 3]);
    // Lexical search in the browser: BM25 over the items' texts (CSR product on WebGPU) and the default fusion.
    expect(result.bm25.map((hit) => hit.index % result.clusters)).toEqual([3, 3, 3, 3, 3]);
    expect(result.fused.map((hit) => hit.index % result.clusters)).toEqual([3, 3, 3, 3, 3]);
    await screenshot(page, 'example-plain-html');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('minimal Vite app: bundles the dist without Dawn or unused encoder code, and runs', async () => {
    const appRoot = join(ROOT, 'examples/vite-app');
    await build({ configFile: join(appRoot, 'vite.config.ts'), logLevel: 'warn' });
    const bundle = jsFiles(join(appRoot, 'dist')).map((file) => readFileSync(file, 'utf8')).join('\n');
    // `webgpu` (Dawn for Node) is only ever imported by a computed name.
    expect(bundle).not.toMatch(/import\(\s*(\/\*.*?\*\/\s*)?["']webgpu["']\s*\)/);
    // Tree shaking: the app uses the index, so the index's WGSL is in and the encoder's is not.
    expect(bundle).toContain(readFileSync(join(ROOT, 'shaders/index/score.wgsl'), 'utf8').split('\n')[0]);
    expect(bundle).not.toContain(readFileSync(join(ROOT, 'shaders/encoder/attention.wgsl'), 'utf8').split('\n')[0]);

    const page = await browser.newPage();
    const errors = watchConsole(page);
    await page.goto(`${baseUrl}examples/vite-app/dist/index.html`);
    await page.waitForFunction(() => (window as unknown as { __example?: unknown }).__example !== undefined, undefined, { timeout: 120_000 });
    const first = (await page.evaluate(() => (window as unknown as { __example: unknown }).__example)) as { backend: string; words: string[] };
    expect(first.backend).toBe('webgpu');
    expect(first.words[0]).toBe('energy');
    await page.fill('#query', 'shadr');
    await page.waitForFunction(() => (window as unknown as { __example: { query: string } }).__example.query === 'shadr');
    const typed = (await page.evaluate(() => (window as unknown as { __example: unknown }).__example)) as { words: string[] };
    expect(typed.words[0]).toBe('shader');
    await screenshot(page, 'example-vite-app');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the demo's production build runs from a static server", async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'opticspace-demo-'));
    try {
      await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
      expect(existsSync(join(outDir, 'cve-corpus.json'))).toBe(true);
      expect(existsSync(join(outDir, 'kernels.html'))).toBe(true);
      const site = await serveStatic(outDir + sep);
      const page = await browser.newPage();
      const errors = watchConsole(page);
      try {
        await page.goto(`${site.url}index.html`);
        await page.waitForFunction(() => window.__demo?.state === 'ready' || window.__demo?.state === 'error', undefined, { timeout: 120_000 });
        expect(await page.evaluate(() => [window.__demo.state, window.__demo.summary?.backend.kind, window.__demo.summary?.documents])).toEqual([
          'ready',
          'webgpu',
          JSON.parse(readFileSync(join(outDir, 'cve-corpus.json'), 'utf8')).documents.length,
        ]);
        await page.getByRole('button', { name: 'SQL injection in login endpoint', exact: true }).click();
        await page.waitForFunction(() => window.__demo.lastSearch?.ids.cosine.length === 10, undefined, { timeout: 30_000 });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await new Promise((done) => site.server.close(done));
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
