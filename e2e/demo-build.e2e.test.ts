import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

  it("the demo's production build runs from a static server", async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'opticspace-demo-'));
    try {
      await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
      expect(existsSync(join(outDir, 'cve-corpus.json'))).toBe(true);
      expect(existsSync(join(outDir, 'kernels.html'))).toBe(true);
      const site = await serveStatic(outDir);
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
