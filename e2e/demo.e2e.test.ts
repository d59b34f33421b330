import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, screenshot, watchConsole } from './browser';
import type { DemoTestHooks } from '../demo/src/main';

// The demo end to end: build the CVE index in the browser (WebGPU on SwiftShader), run the
// seed's three example queries, save to OPFS, reload without a rebuild, and the same on the
// CPU fallback with WebGPU disabled.

interface SeedExample {
  id: string;
  text: string;
  cwes: string[];
  /** CVE id -> grade from @opticspace/eval's CVE/CWE qrels: 2 listed under the CWE, 1 under a descendant. */
  relevant: Record<string, number>;
}

const corpusFile = fileURLToPath(new URL('../demo/public/cve-corpus.json', import.meta.url));

function seedExamples(): SeedExample[] {
  // The dev server's corpus plugin writes the file before the first request (global setup).
  return (JSON.parse(readFileSync(corpusFile, 'utf8')) as { examples: SeedExample[] }).examples;
}

async function hooks(page: Page): Promise<DemoTestHooks> {
  return (await page.evaluate(() => {
    const { lastSearch, ...rest } = window.__demo;
    // The response holds typed arrays; the ids are what the test needs.
    return { ...rest, lastSearch: lastSearch && { ...lastSearch, response: undefined } };
  })) as unknown as DemoTestHooks;
}

async function waitReady(page: Page, timeout = 120_000): Promise<DemoTestHooks> {
  await page.waitForFunction(() => window.__demo && (window.__demo.state === 'ready' || window.__demo.state === 'error'), undefined, {
    timeout,
    polling: 250,
  });
  const state = await hooks(page);
  expect(state.error, state.error).toBeUndefined();
  expect(state.state).toBe('ready');
  return state;
}

/** Clicks an example query and returns the ids and labels of both result lists. */
async function runExample(page: Page, text: string): Promise<NonNullable<DemoTestHooks['lastSearch']>> {
  await page.getByRole('button', { name: text, exact: true }).click();
  await page.waitForFunction((query) => window.__demo.lastSearch?.query === query, text, { timeout: 60_000 });
  return (await hooks(page)).lastSearch!;
}

async function checkExamples(page: Page): Promise<void> {
  for (const example of seedExamples()) {
    const search = await runExample(page, example.text);
    for (const method of ['energy', 'cosine']) {
      const hits = search.ids[method];
      expect(hits, `${method} results for "${example.text}"`).toHaveLength(10);
      // A CVE of the query's CWE or of one of its descendants (e.g. CWE-1336 template injection under CWE-94).
      const matching = hits.filter((hit) => (example.relevant[hit.id] ?? 0) > 0);
      console.info(`[e2e] ${method} "${example.text}": ${matching.length}/10 relevant (${matching.filter((hit) => example.relevant[hit.id] === 2).length} of ${example.cwes.join('/')} itself)`);
      expect(matching.length, `${method} top 10 for "${example.text}" has a CVE of ${example.cwes.join('/')}: ${JSON.stringify(hits)}`).toBeGreaterThan(0);
    }
    // Highlighted terms are visible in the snippets.
    expect(await page.locator('#energy-results mark').count()).toBeGreaterThan(0);
  }
}

describe('demo on WebGPU (SwiftShader)', () => {
  let browser: Browser;
  let context: BrowserContext;
  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('builds the CVE index, finds the seed queries, saves and reloads without a rebuild', async () => {
    const page = await context.newPage();
    const errors = watchConsole(page);
    const started = Date.now();
    await page.goto(inject('baseUrl'));
    const built = await waitReady(page);
    const pageMs = Date.now() - started;
    const summary = built.summary!;
    console.info(
      `[e2e] demo build on ${summary.backend.kind} (${summary.backend.adapter}): ${summary.documents} documents, ` +
        `embed ${summary.embedMs.toFixed(0)} ms, index ${summary.indexMs.toFixed(0)} ms, page ready after ${built.lastBuildMs!.toFixed(0)} ms ` +
        `(${pageMs} ms from navigation); stages ${JSON.stringify(summary.report.timings)}`,
    );
    expect(summary.backend.kind).toBe('webgpu');
    expect(summary.documents).toBeGreaterThan(1500);
    expect(summary.loadedFromStorage).toBe(false);
    expect(built.builds).toBe(1);
    await expect(page.locator('#build-stages li[data-done="true"]').count()).resolves.toBeGreaterThanOrEqual(9);
    await expect(page.locator('#fallback-banner').isHidden()).resolves.toBe(true);

    await checkExamples(page);
    await screenshot(page, 'demo-webgpu');

    await page.getByRole('button', { name: 'Save index' }).click();
    await page.waitForFunction(() => window.__demo.saved === true, undefined, { timeout: 30_000 });
    expect(await page.locator('#storage-status').textContent()).toContain('OPFS');

    await page.reload();
    const reloaded = await waitReady(page);
    expect(reloaded.loads).toBe(1);
    expect(reloaded.builds).toBe(0);
    expect(reloaded.summary!.loadedFromStorage).toBe(true);
    expect(reloaded.summary!.documents).toBe(summary.documents);
    await checkExamples(page);
    await screenshot(page, 'demo-reloaded');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('demo without WebGPU (TypeScript fallback)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('says so visibly and still finds the seed queries', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchConsole(page);
    await page.goto(inject('baseUrl'));
    const built = await waitReady(page);
    console.info(`[e2e] fallback build: ${built.summary!.indexMs.toFixed(0)} ms index, ${built.lastBuildMs!.toFixed(0)} ms total`);
    expect(built.summary!.backend.kind).toBe('cpu');
    expect(built.gpu!.available).toBe(false);
    await expect(page.locator('#fallback-banner').isVisible()).resolves.toBe(true);
    expect(await page.locator('#fallback-banner').textContent()).toContain('WebGPU is not available');
    expect(await page.locator('#backend-badge').textContent()).toContain('CPU fallback');
    await checkExamples(page);
    await screenshot(page, 'demo-fallback');
    expect(errors).toEqual([]);
    await page.close();
  });
});
