import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium, watchConsole } from './browser';
import { serveStatic } from './static-server';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('demo production build', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the demo's production build runs from a static server, and its first search answers within about 2 s of navigation (logged)", async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'opticspace-demo-'));
    try {
      await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
      expect(existsSync(join(outDir, 'cve-corpus.json'))).toBe(true);
      expect(existsSync(join(outDir, 'cve-corpus.embedding.bin'))).toBe(true);
      expect(existsSync(join(outDir, 'kernels.html'))).toBe(true);
      const kib = (file: string) => `${(statSync(join(outDir, file)).size / 1024).toFixed(0)} KiB`;
      console.info(`[e2e] demo assets: cve-corpus.json ${kib('cve-corpus.json')}, cve-corpus.embedding.bin ${kib('cve-corpus.embedding.bin')} (embedder + vectors, f16)`);
      const site = await serveStatic(outDir);
      const page = await browser.newPage();
      const errors = watchConsole(page);
      try {
        // A first visit whose address carries a query: time from navigation to its results.
        const query = 'SQL injection in login endpoint';
        await page.goto(`${site.url}index.html?q=${encodeURIComponent(query)}`);
        await page.waitForFunction(() => window.__demo?.state === 'ready' || window.__demo?.state === 'error', undefined, { timeout: 120_000 });
        expect(await page.evaluate(() => [window.__demo.state, window.__demo.summary?.backend.kind, window.__demo.summary?.documents, window.__demo.summary?.embedder])).toEqual([
          'ready',
          'webgpu',
          JSON.parse(readFileSync(join(outDir, 'cve-corpus.json'), 'utf8')).documents.length,
          'shipped',
        ]);
        await page.waitForFunction((q) => window.__demo.lastSearch?.query === q, query, { timeout: 30_000 });
        const timing = await page.evaluate(() => ({ first: window.__demo.firstResultsMs!, ready: window.__demo.readyMs!, build: window.__demo.lastBuildMs! }));
        console.info(
          `[e2e] time to first results (production build, static server, Chromium on SwiftShader): ${timing.first.toFixed(0)} ms from navigation ` +
            `(index ready at ${timing.ready.toFixed(0)} ms, build ${timing.build.toFixed(0)} ms)`,
        );
        await page.getByRole('button', { name: 'SQL injection in login endpoint', exact: true }).click();
        await page.waitForFunction(() => window.__demo.lastSearch?.ids.cosine.length === 10, undefined, { timeout: 30_000 });
        // The sweep heatmaps under docs/sweep/ were bundled at build time and load from the static site.
        await page.locator('#tab-sweep').click();
        await expect.poll(() => page.locator('#sweep-figures img').evaluateAll((images: HTMLImageElement[]) => images.filter((image) => image.complete && image.naturalWidth > 0).length)).toBeGreaterThan(0);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await site.close();
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
