import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, screenshot, watchConsole } from './browser';
import { captureState, DESKTOP, expectAccessible, PHONE } from './demo-states';
import type { DemoTestHooks } from '../demo/src/main';

// The demo end to end: how soon a first visit answers its first search (logged), build the CVE
// index in the browser (WebGPU on SwiftShader), run the seed's three example queries with the
// default ranking, energy and cosine, save to OPFS, reload without a rebuild, and the same on the
// CPU fallback with WebGPU disabled. Every state of the page (building, empty query, results,
// no match, invalid setting, own corpus, optical, sweep, no WebGPU) passes axe-core with no
// serious or critical violation and is screenshotted on a desktop and a phone viewport
// (docs/screenshots/); one test walks the search with the keyboard only.

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

/** A new page of the demo at `path` (after the base URL), once its index is ready, and its console errors. */
async function openDemo(context: BrowserContext, path = ''): Promise<{ page: Page; errors: string[]; ready: DemoTestHooks }> {
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${inject('baseUrl')}${path}`);
  return { page, errors, ready: await waitReady(page) };
}

/** Waits until the results (or the no-match note) for `query` are on screen. */
async function waitSearch(page: Page, query: string): Promise<NonNullable<DemoTestHooks['lastSearch']>> {
  await page.waitForFunction((q) => window.__demo.lastSearch?.query === q && window.__demo.view !== 'blocked', query, { timeout: 60_000 });
  return (await hooks(page)).lastSearch!;
}

/** The element that has keyboard focus, described for assertions: its id, or the list and rank of the hit it is in. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    const hit = active?.closest('li.hit');
    if (hit) return `${hit.parentElement!.id}#${[...hit.parentElement!.children].indexOf(hit) + 1}`;
    return active?.id || active?.tagName.toLowerCase() || 'none';
  });
}

/** Clicks an example query and returns the ids and labels of both result lists (ranked by `method` and cosine). */
async function runExample(page: Page, text: string, method: string): Promise<NonNullable<DemoTestHooks['lastSearch']>> {
  await page.getByRole('button', { name: text, exact: true }).click();
  await page.waitForFunction(([query, m]) => window.__demo.lastSearch?.query === query && window.__demo.lastSearch.method === m, [text, method], { timeout: 60_000 });
  return (await hooks(page)).lastSearch!;
}

/** The ranking the page starts with: the index's default (a fusion), read from the selector. */
const DEFAULT_RANKING = 'linear';

/**
 * The seed query no ranking of the demo's LSA vectors answers: CWE-94's observed examples say
 * "code injection" / "eval injection" and share only the word "code" (and "execution" in two
 * chains) with "remote code execution in ERP web component". Cosine finds none of its 35
 * relevant CVEs in the top 10 at any dimension from 16 to 384 (measured with
 * @opticspace/eval's LexicalEmbedder, tfidf and bm25), and neither does energy; BM25 ranks one
 * (CVE-2023-29374, "translates user input into a Python expression") fifth, while the default
 * fusion, which gives the dense list half the lexical weight, has it at rank 20 (in Node, the
 * same build). So for it the test checks BM25, complete lists and WebGPU/CPU agreement, and
 * logs the others' counts.
 */
const LEXICAL_GAP = new Set(['seed-remote-code-execution']);

type Rankings = Map<string, Record<string, string[]>>;

function relevantCount(example: SeedExample, hits: Array<{ id: string }>): number {
  return hits.filter((hit) => (example.relevant[hit.id] ?? 0) > 0).length;
}

/** Runs the seed queries with `method` beside cosine; records the top-10 ids per method and returns the relevant counts per query. */
async function runSeeds(page: Page, method: string, rankings?: Rankings): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>();
  for (const example of seedExamples()) {
    const search = await runExample(page, example.text, method);
    const ids = Object.fromEntries(Object.entries(search.ids).map(([m, hits]) => [m, hits.map((hit) => hit.id)]));
    rankings?.set(example.id, { ...rankings.get(example.id), ...ids });
    const byMethod: Record<string, number> = {};
    for (const [m, hits] of Object.entries(search.ids)) {
      expect(hits, `${m} results for "${example.text}"`).toHaveLength(10);
      // A CVE of the query's CWE or of one of its descendants (e.g. CWE-23 relative path traversal under CWE-22).
      byMethod[m] = relevantCount(example, hits);
      const own = hits.filter((hit) => example.relevant[hit.id] === 2).length;
      console.info(`[e2e] ${m} "${example.text}": ${byMethod[m]}/10 relevant (${own} of ${example.cwes.join('/')} itself)`);
    }
    counts.set(example.id, byMethod);
    // The query's words are marked in the snippets.
    expect(await page.locator('#primary-results mark').count()).toBeGreaterThan(0);
  }
  return counts;
}

/**
 * The seed queries with the default ranking, then with energy beside cosine (the compare
 * toggle), then CWE-94's with BM25; the default must be at least as relevant as cosine, energy
 * and cosine must find the CWE of every query but the lexical gap, and BM25 that one.
 */
async function checkExamples(page: Page, rankings?: Rankings): Promise<void> {
  expect(await page.inputValue('#method')).toBe(DEFAULT_RANKING);
  const fused = await runSeeds(page, DEFAULT_RANKING, rankings);
  await page.locator('#compare').click();
  expect(await page.getAttribute('#compare', 'aria-pressed')).toBe('true');
  const energy = await runSeeds(page, 'energy', rankings);
  for (const example of seedExamples()) {
    const counts = { ...fused.get(example.id)!, ...energy.get(example.id)! };
    console.info(`[e2e] relevant in the top 10 for "${example.text}": ${JSON.stringify(counts)}`);
    expect(counts[DEFAULT_RANKING], `the default ranking is at least as relevant as cosine for "${example.text}"`).toBeGreaterThanOrEqual(counts.cosine);
    if (LEXICAL_GAP.has(example.id)) continue;
    for (const method of ['energy', 'cosine']) expect(counts[method], `${method} top 10 for "${example.text}" has a CVE of ${example.cwes.join('/')}`).toBeGreaterThan(0);
  }
  // Back to the default with the same toggle.
  await page.locator('#compare').click();
  await page.waitForFunction((m) => window.__demo.lastSearch?.method === m, DEFAULT_RANKING);
  expect(await page.getAttribute('#compare', 'aria-pressed')).toBe('false');
  // The lexical gap: BM25 (a method of the selector) finds a CWE-94 CVE.
  for (const example of seedExamples().filter((seed) => LEXICAL_GAP.has(seed.id))) {
    await page.selectOption('#method', 'bm25');
    const search = await runExample(page, example.text, 'bm25');
    const found = search.ids.bm25.flatMap((hit, rank) => ((example.relevant[hit.id] ?? 0) > 0 ? [`${hit.id} at #${rank + 1}`] : []));
    console.info(`[e2e] bm25 "${example.text}": ${found.length}/10 relevant (${found.join(', ')})`);
    expect(found.length, `BM25 finds a CVE of ${example.cwes.join('/')}: ${JSON.stringify(search.ids.bm25)}`).toBeGreaterThan(0);
  }
  await page.selectOption('#method', DEFAULT_RANKING);
  await page.waitForFunction((m) => window.__demo.lastSearch?.method === m, DEFAULT_RANKING);
}

/** Each hit of the last search: id linked to its public record, every CWE named and linked, score explained. */
async function checkResultDetails(page: Page): Promise<void> {
  const first = page.locator('#baseline-results > li.hit').first();
  const id = (await first.getAttribute('data-id'))!;
  expect(id).toMatch(/^CVE-\d{4}-\d+$/);
  expect(await first.locator('a.hit-id').getAttribute('href')).toBe(`https://nvd.nist.gov/vuln/detail/${id}`);
  const labels = (await first.getAttribute('data-labels'))!.split(' ');
  const labelLinks = first.locator('.hit-labels li');
  expect(await labelLinks.count()).toBe(labels.length);
  const corpus = JSON.parse(readFileSync(corpusFile, 'utf8')) as { labelNames: Record<string, string> };
  for (const [at, label] of labels.entries()) {
    const item = labelLinks.nth(at);
    expect(await item.locator('a').getAttribute('href')).toBe(`https://cwe.mitre.org/data/definitions/${label.slice(4)}.html`);
    expect(await item.textContent()).toContain(corpus.labelNames[label]);
  }
  // The explanation is the link's accessible description and appears on hover.
  const explainId = (await first.locator('a.hit-id').getAttribute('aria-describedby'))!;
  expect(await page.locator(`#${explainId}`).textContent()).toMatch(/^#1 by Cosine\. Cosine similarity 0\.\d{4}: /);
  // The default ranking's score is explained with what it fuses.
  expect(await page.locator('#explain-primary-1').textContent()).toMatch(/^#1 by Linear fusion \(min-max\)\. Fused score \d\.\d{4} \(higher is better\): .* in BM25 \+ RM3 \(weight 1\) and Cosine \+ Rocchio \(weight 0\.5\)/);
  expect(await page.locator(`#${explainId}`).isVisible()).toBe(false);
  await first.hover();
  expect(await page.locator(`#${explainId}`).isVisible()).toBe(true);
  await page.mouse.move(0, 0);
  // The side-by-side marker: a hit in both lists names its rank in the other one.
  const shared = page.locator('#primary-results > li.shared');
  if ((await shared.count()) > 0) {
    const tag = (await shared.first().locator('.tag.both').textContent())!;
    const rank = Number(/also #(\d+) in Cosine/.exec(tag)![1]);
    expect(await page.locator(`#baseline-results > li.hit:nth-child(${rank})`).getAttribute('data-id')).toBe(await shared.first().getAttribute('data-id'));
  }
  expect(await page.locator('.legend').textContent()).toContain('in the other list too');
}

/** Top-10 ids per seed query and method from the WebGPU run, compared with the CPU fallback. */
const webgpuRankings: Rankings = new Map();

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

  it('answers the first search of a first visit within about 2 s of navigation (logged, not asserted)', async () => {
    // Fresh browser contexts: nothing saved, nothing cached. The dev server transformed the
    // modules when it started (server.warmup); the second visit shows the steady state.
    const query = 'SQL injection in login endpoint';
    for (const visit of ['first', 'second']) {
      const fresh = await browser.newContext({ viewport: DESKTOP });
      const page = await fresh.newPage();
      const errors = watchConsole(page);
      await page.goto(`${inject('baseUrl')}?q=${encodeURIComponent(query)}`);
      const search = await waitSearch(page, query);
      const state = await hooks(page);
      console.info(
        `[e2e] time to first results (dev server, Chromium on SwiftShader), ${visit} visit: ${state.firstResultsMs!.toFixed(0)} ms from navigation ` +
          `(index ready at ${state.readyMs!.toFixed(0)} ms, build ${state.lastBuildMs!.toFixed(0)} ms, embedding ${state.summary!.embedder})`,
      );
      expect([search.method, search.noMatch, search.ids[DEFAULT_RANKING].length, state.summary!.embedder]).toEqual([DEFAULT_RANKING, false, 10, 'shipped']);
      expect(state.firstResultsMs).toBeGreaterThan(state.readyMs!);
      expect(errors).toEqual([]);
      await fresh.close();
    }
  });

  it('builds the CVE index, finds the seed queries, saves and reloads without a rebuild', async () => {
    const page = await context.newPage();
    const errors = watchConsole(page);
    // The corpus download is held so that the building state stays on screen while it is checked.
    let releaseCorpus!: () => void;
    const corpusHeld = new Promise<void>((resolve) => (releaseCorpus = resolve));
    await page.route('**/cve-corpus.json', async (route) => {
      await corpusHeld;
      await route.continue();
    });
    const started = Date.now();
    await page.goto(inject('baseUrl'));
    await page.waitForSelector('#build-stages li[data-stage="corpus"]');
    // Building: the box is focused and usable, and says that the index is being built.
    expect(await focused(page)).toBe('query');
    expect(await page.locator('#query').isEnabled()).toBe(true);
    expect(await page.getAttribute('#query', 'placeholder')).toContain('Building the index');
    expect(await page.locator('#build-progress').isVisible()).toBe(true);
    expect(await page.locator('#search-status-text').textContent()).toContain('Building the index');
    await page.keyboard.type('path traversal');
    await captureState(page, 'building');
    releaseCorpus();
    const built = await waitReady(page);
    const pageMs = Date.now() - started;
    // Ready: the query typed during the build runs at once; the box keeps focus and is in view,
    // the build report is folded away.
    await waitSearch(page, 'path traversal');
    expect(await focused(page)).toBe('query');
    const box = (await page.locator('#query').boundingBox())!;
    expect(box.y + box.height, 'the query box is on the first screen').toBeLessThan(DESKTOP.height);
    expect(await page.locator('#build-report-details').getAttribute('open')).toBeNull();
    expect(await page.locator('#build-report').isVisible()).toBe(false);
    // Empty query: the results go and the page says what to do.
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => window.__demo.view === 'empty');
    expect(await page.locator('#primary-results li').count()).toBe(0);
    expect(await page.locator('#results-message').textContent()).toContain('Type to search the 2,043 documents');
    await captureState(page, 'empty-query');
    const summary = built.summary!;
    console.info(
      `[e2e] demo build on ${summary.backend.kind} (${summary.backend.adapter}): ${summary.documents} documents, ` +
        `embedding ${summary.embedder} (${summary.embedMs.toFixed(0)} ms), index ${summary.indexMs.toFixed(0)} ms, page ready after ${built.lastBuildMs!.toFixed(0)} ms ` +
        `(${pageMs} ms from navigation); stages ${JSON.stringify(summary.report.timings)}`,
    );
    expect(summary.backend.kind).toBe('webgpu');
    expect(summary.documents).toBeGreaterThan(1500);
    expect(summary.loadedFromStorage).toBe(false);
    // The CVE corpus comes with its embedding (fitted at build time): the tab only builds the index.
    expect(summary.embedder).toBe('shipped');
    expect(await page.locator('#build-stages li[data-stage="embedding"]').getAttribute('data-done')).toBe('true');
    expect(await page.locator('#build-stages li[data-stage="fit"]').count()).toBe(0);
    expect(await page.locator('#build-report dd[data-key="embedding"]').textContent()).toContain('fitted when the page was built');
    expect(built.builds).toBe(1);
    await expect(page.locator('#build-stages li[data-done="true"]').count()).resolves.toBeGreaterThanOrEqual(9);
    await expect(page.locator('#fallback-banner').isHidden()).resolves.toBe(true);

    await checkExamples(page, webgpuRankings);
    // The results state shows the default ranking beside cosine for a seed query they answer.
    const sql = seedExamples().find((example) => example.id === 'seed-sql-injection')!;
    await runExample(page, sql.text, DEFAULT_RANKING);
    await screenshot(page, 'demo-webgpu');
    await checkResultDetails(page);
    await captureState(page, 'results', async (viewport) => {
      // Desktop: the second hit focused from the box, its score explained. Phone: the toggle, the default ranking's list on screen.
      if (viewport === 'phone') {
        await page.locator('.list-switch').scrollIntoViewIfNeeded();
        return;
      }
      await page.focus('#query');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.locator('#explain-primary-2').isVisible()).toBe(true);
      await page.evaluate(() => window.scrollTo(0, document.querySelector<HTMLElement>('#results')!.offsetTop - 180));
    });
    // The seed's comparison, one click away: energy distance beside cosine.
    await page.locator('#compare').click();
    await page.waitForFunction(([q, m]) => window.__demo.lastSearch?.query === q && window.__demo.lastSearch.method === m, [sql.text, 'energy']);
    expect(await page.locator('#primary-title').textContent()).toBe('Energy');
    await captureState(page, 'compare', async (viewport) => {
      const target = viewport === 'phone' ? '.list-switch' : '#results';
      await page.evaluate((selector) => window.scrollTo(0, document.querySelector<HTMLElement>(selector)!.getBoundingClientRect().top + window.scrollY - 120), target);
    });
    await page.locator('#compare').click();
    await page.waitForFunction((m) => window.__demo.lastSearch?.method === m, DEFAULT_RANKING);

    // Other rankings of the selector beside cosine: hybrid re-ranks cosine's top 100 by energy; BM25 + RM3 and RRF use the words.
    for (const method of ['hybrid', 'lambdaAware', 'bm25Rm3', 'rrf']) {
      await page.selectOption('#method', method);
      const hits = (await runExample(page, sql.text, method)).ids[method];
      expect(hits, method).toHaveLength(10);
      console.info(`[e2e] ${method} "${sql.text}": ${relevantCount(sql, hits)}/10 relevant`);
      expect(relevantCount(sql, hits), `${method}: ${JSON.stringify(hits)}`).toBeGreaterThan(0);
    }
    await page.selectOption('#method', DEFAULT_RANKING);

    // "page" on a hit shows that CVE as a rendered page in the optical tab.
    const firstId = (await page.locator('#baseline-results li').first().getAttribute('data-id'))!;
    await page.locator('#baseline-results button.hit-page').first().click();
    // The optical tab's module loads on first use (slow on a busy machine).
    await expect.poll(() => page.locator('#panel-optical').isVisible()).toBe(true);
    await expect.poll(() => page.locator('#optical-text').inputValue(), { timeout: 30_000 }).toContain(firstId);
    await expect.poll(() => page.locator('#optical-status').textContent(), { timeout: 30_000 }).toContain('Rendered');
    await page.locator('#tab-search').click();

    // "Forget saved index" waits until there is something saved.
    expect(await page.locator('#forget-index').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Save index' }).click();
    await page.waitForFunction(() => window.__demo.saved === true, undefined, { timeout: 30_000 });
    expect(await page.locator('#storage-status').textContent()).toContain('OPFS');
    expect(await page.locator('#forget-index').isEnabled()).toBe(true);

    await page.reload();
    const reloaded = await waitReady(page);
    expect(reloaded.loads).toBe(1);
    expect(reloaded.builds).toBe(0);
    expect(reloaded.summary!.loadedFromStorage).toBe(true);
    expect(reloaded.summary!.documents).toBe(summary.documents);
    const reloadedRankings: Rankings = new Map();
    await checkExamples(page, reloadedRankings);
    // The saved index answers exactly as the one that was built (same bytes, same backend).
    for (const [query, byMethod] of webgpuRankings) {
      for (const method of [DEFAULT_RANKING, 'energy', 'cosine']) expect(reloadedRankings.get(query)![method], `${query} ${method} after reload`).toEqual(byMethod[method]);
    }
    await screenshot(page, 'demo-reloaded');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('searches as you type, keeps the search in the address and shows the no-match and invalid-setting states', async () => {
    // The address restores query, method and k (the saved index loads: no rebuild).
    const { page, errors } = await openDemo(context, `?q=${encodeURIComponent('path traversal')}&method=hybrid&k=5`);
    const restored = await waitSearch(page, 'path traversal');
    expect([restored.method, restored.k, restored.ids.hybrid.length, restored.ids.cosine.length]).toEqual(['hybrid', 5, 5, 5]);
    expect([await page.inputValue('#query'), await page.inputValue('#method'), await page.inputValue('#k')]).toEqual(['path traversal', 'hybrid', '5']);
    await page.selectOption('#method', 'energy');
    await page.waitForFunction(() => window.__demo.lastSearch?.method === 'energy');
    expect(new URL(page.url()).searchParams.get('method')).toBe('energy');

    // Search as you type: a pause in typing searches once; the address follows.
    await page.fill('#query', '');
    await page.waitForFunction(() => window.__demo.view === 'empty');
    expect(new URL(page.url()).searchParams.has('q')).toBe(false);
    const before = (await hooks(page)).searches;
    await page.focus('#query');
    await page.keyboard.type('sql injection in login', { delay: 20 });
    await waitSearch(page, 'sql injection in login');
    const typed = (await hooks(page)).searches;
    console.info(`[e2e] typing 22 characters sent ${typed.sent - before.sent} search(es)`);
    expect(typed.sent - before.sent).toBeGreaterThanOrEqual(1);
    expect(typed.sent - before.sent).toBeLessThanOrEqual(4);
    expect(new URL(page.url()).searchParams.get('q')).toBe('sql injection in login');
    expect(await page.locator('#baseline-results > li.hit').count()).toBe(5);
    // A newer search wins: one asked for before the last started never runs, one answered late is dropped.
    await page.evaluate(async () => {
      const query = document.querySelector<HTMLInputElement>('#query')!;
      for (const text of ['buffer overflow', 'format string']) {
        query.value = text;
        query.form!.requestSubmit();
      }
      await new Promise((resolve) => setTimeout(resolve, 0)); // "format string" is now in the worker
      query.value = 'cross site scripting';
      query.form!.requestSubmit();
    });
    await waitSearch(page, 'cross site scripting');
    const raced = (await hooks(page)).searches;
    expect(raced.skipped - typed.skipped, 'buffer overflow never ran').toBe(1);
    expect(raced.discarded - typed.discarded, 'format string was answered after a newer search and dropped').toBe(1);
    expect(await page.locator('#primary-results mark').first().textContent()).toMatch(/cross|site|script/i);

    // No match: a query of unknown words says so instead of listing arbitrary documents.
    await page.fill('#query', 'zzqxv qqqq');
    await page.press('#query', 'Enter');
    const none = await waitSearch(page, 'zzqxv qqqq');
    expect(none.noMatch).toBe(true);
    expect(await page.locator('#results').isVisible()).toBe(false);
    expect(await page.locator('#results-message').textContent()).toContain('No match for “zzqxv qqqq”: none of its words (“zzqxv”, “qqqq”) occur');
    await captureState(page, 'no-match');

    // An invalid k: the message sits beside the field, no search runs, and the next valid value clears it.
    await page.fill('#query', 'sql injection');
    await waitSearch(page, 'sql injection');
    await page.fill('#k', '500');
    await page.waitForFunction(() => window.__demo.view === 'blocked');
    const kBox = (await page.locator('#k').boundingBox())!;
    const errorBox = (await page.locator('#error-k').boundingBox())!;
    expect(await page.locator('#error-k').textContent()).toBe('results k must be a whole number between 1 and 50');
    expect(Math.abs(errorBox.y + errorBox.height / 2 - (kBox.y + kBox.height / 2)), 'the message is on the line of the field').toBeLessThan(20);
    expect(errorBox.x - (kBox.x + kBox.width)).toBeLessThan(40);
    expect(await page.getAttribute('#k', 'aria-invalid')).toBe('true');
    expect(await page.locator('#results').isVisible()).toBe(false);
    await captureState(page, 'invalid-setting');
    await page.fill('#k', '7');
    await page.waitForFunction(() => window.__demo.view === 'results' && window.__demo.lastSearch?.k === 7);
    expect(await page.locator('#error-k').count()).toBe(0);
    expect(await page.getAttribute('#k', 'aria-invalid')).toBeNull();
    expect(await page.locator('#primary-results > li.hit').count()).toBe(7);

    // Phone: the two lists are a toggle; each button says how many hits are shared.
    await page.setViewportSize(PHONE);
    expect(await page.locator('.list-switch').isVisible()).toBe(true);
    expect([await page.locator('#primary-section').isVisible(), await page.locator('#baseline-section').isVisible()]).toEqual([true, false]);
    expect(await page.locator('#show-baseline').textContent()).toMatch(/^Cosine \(7, \d in both\)$/);
    await page.locator('#show-baseline').click();
    expect([await page.locator('#primary-section').isVisible(), await page.locator('#baseline-section').isVisible()]).toEqual([false, true]);
    expect(await page.getAttribute('#show-baseline', 'aria-pressed')).toBe('true');
    const listTop = (await page.locator('.list-switch').boundingBox())!.y + (await page.evaluate(() => window.scrollY));
    console.info(`[e2e] phone: the list toggle starts at y=${listTop.toFixed(0)}`);
    expect(listTop, 'the lists start within the second screen, not below one another').toBeLessThan(2 * PHONE.height);
    await page.setViewportSize(DESKTOP);

    // A method the demo does not have: said beside the selector, cleared by choosing one.
    await page.goto(`${inject('baseUrl')}?q=sql&method=bm42`);
    await waitReady(page);
    expect(await page.locator('#error-method').textContent()).toContain('“bm42”');
    await page.selectOption('#method', 'lambdaAware');
    await page.waitForFunction(() => window.__demo.lastSearch?.method === 'lambdaAware');
    expect(await page.locator('#error-method').count()).toBe(0);
    // The address takes every method of the index's table.
    await page.goto(`${inject('baseUrl')}?q=sql&method=bm25Rm3`);
    await waitReady(page);
    expect((await waitSearch(page, 'sql')).method).toBe('bm25Rm3');
    expect([await page.inputValue('#method'), await page.locator('#error-method').count()]).toEqual(['bm25Rm3', 0]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('can be used with the keyboard alone', async () => {
    const { page, errors } = await openDemo(context);
    expect(await focused(page)).toBe('query');
    await page.keyboard.type('sql injection');
    await waitSearch(page, 'sql injection');
    // Arrow keys walk the results (the focused hit shows what its score means); Tab reaches the method selector.
    const walk: Array<[key: string, focus: string]> = [
      ['ArrowDown', 'primary-results#1'],
      ['ArrowDown', 'primary-results#2'],
      ['ArrowRight', 'baseline-results#2'],
      ['End', 'baseline-results#10'],
      ['ArrowLeft', 'primary-results#10'],
      ['Escape', 'query'],
      ['ArrowDown', 'primary-results#1'],
      ['ArrowUp', 'query'],
      ['Tab', 'search-button'],
      ['Tab', 'method'],
    ];
    for (const [step, [key, focus]] of walk.entries()) {
      await page.keyboard.press(key);
      expect(await focused(page), `step ${step + 1}: ${key}`).toBe(focus);
      const hit = /^(primary|baseline)-results#(\d+)$/.exec(focus);
      if (hit) expect(await page.locator(`#explain-${hit[1]}-${hit[2]}`).isVisible(), `${focus} explains its score`).toBe(true);
    }
    // The selector lists the default's group first: ↓ moves from the default to the next fusion.
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => window.__demo.lastSearch?.method === 'linearZ');
    // The compare toggle works from the keyboard.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('compare');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__demo.lastSearch?.method === 'energy');
    expect(await page.inputValue('#method')).toBe('energy');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('k');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.waitForFunction(() => window.__demo.lastSearch?.k === 3);
    expect(await page.locator('#primary-results > li.hit').count()).toBe(3);
    // "/" brings the focus back to the box from anywhere outside a text field.
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('compare');
    await page.keyboard.press('/');
    expect(await focused(page)).toBe('query');
    // The query is selected, so typing replaces it.
    expect(await page.evaluate(() => ((q) => [q.selectionStart, q.selectionEnd, q.value.length])(document.querySelector<HTMLInputElement>('#query')!))).toEqual([0, 13, 13]);
    // The build report opens from its toggle.
    for (let presses = 0; presses < 80 && !(await page.evaluate(() => document.activeElement?.matches('#build-report-details > summary'))); presses++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    expect(await page.locator('#build-report').isVisible()).toBe(true);
    // The tabs: back up to the tab list, move to the sweep with the arrows, and "/" returns to the search.
    for (let presses = 0; presses < 80 && (await focused(page)) !== 'tab-search'; presses++) await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('tab-search');
    await page.keyboard.press('End');
    expect(await page.locator('#panel-sweep').isVisible()).toBe(true);
    await page.keyboard.press('/');
    expect(await page.locator('#panel-search').isVisible()).toBe(true);
    expect(await focused(page)).toBe('query');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('indexes a corpus the user drops in, and names the bad line of a malformed one', async () => {
    const { page, errors } = await openDemo(context);
    const topics = ['volcano lava eruption magma', 'violin orchestra symphony concert', 'glacier ice arctic snow', 'compiler parser syntax tree'];
    const lines = Array.from({ length: 48 }, (_, i) => JSON.stringify({ id: `note-${i}`, title: `Note ${i}`, text: `${topics[i % 4]} note number ${i}` }));
    await page.setInputFiles('#corpus-files', { name: 'notes.jsonl', mimeType: 'application/json', buffer: Buffer.from(lines.join('\n')) });
    await page.waitForFunction(() => window.__demo.state === 'ready' && window.__demo.summary?.documents === 48, undefined, { timeout: 60_000 });
    expect(await page.locator('#corpus-summary').textContent()).toContain('notes.jsonl: 48 documents');
    await page.fill('#query', 'symphony orchestra');
    await page.press('#query', 'Enter');
    await page.waitForFunction(() => window.__demo.lastSearch?.query === 'symphony orchestra', undefined, { timeout: 30_000 });
    const search = (await hooks(page)).lastSearch!;
    for (const method of [DEFAULT_RANKING, 'cosine']) {
      // Every note about music has id note-(1 mod 4); cosine ranks all twelve first.
      const ids = search.ids[method].map((hit) => Number(hit.id.replace('note-', '')));
      console.info(`[e2e] dropped corpus, ${method}: ${ids.join(',')}`);
      if (method === 'cosine') expect(ids.every((id) => id % 4 === 1)).toBe(true);
    }

    // New diffusion settings take effect on "Rebuild index".
    const before = (await hooks(page)).builds;
    // An out-of-range eta is flagged beside the field and nothing is rebuilt; a valid value clears it.
    await page.fill('#controls input[name="eta"]', '5');
    await page.getByRole('button', { name: 'Rebuild index' }).click();
    await expect.poll(() => page.locator('#error-eta').textContent()).toBe('eta must be between 0.001 and 1');
    expect((await hooks(page)).builds).toBe(before);
    await page.fill('#controls input[name="eta"]', '0.05');
    await page.fill('#controls input[name="steps"]', '2');
    await page.getByRole('button', { name: 'Rebuild index' }).click();
    await page.waitForFunction((count) => window.__demo.builds === count && window.__demo.state === "ready", before + 1, { timeout: 60_000 });
    const rebuilt = (await hooks(page)).summary!.report;
    expect([rebuilt.etaRequested, rebuilt.steps, rebuilt.items]).toEqual([0.05, 2, 48]);
    expect(await page.locator('#error-eta').count()).toBe(0);
    expect(await page.locator('#build-report dd[data-key="diffusion steps"]').textContent()).toBe('2');

    await page.setInputFiles('#corpus-files', { name: 'broken.jsonl', mimeType: 'application/json', buffer: Buffer.from('{"text":"fine"}\n{"text": oops}\n') });
    await expect.poll(() => page.locator('#corpus-error').textContent()).toContain('broken.jsonl:2');
    await expect(page.locator('#corpus-error').isVisible()).resolves.toBe(true);
    await screenshot(page, 'demo-dropped-corpus');

    // Dropping text files: one document per file, the title from a Markdown heading.
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      const files: Array<[string, string]> = [
        ['lava.md', '# Volcanoes\nLava and magma flow during an eruption.'],
        ['music.md', '# Orchestras\nA symphony needs violins and a conductor.'],
        ['ice.txt', 'Glaciers are rivers of ice that carve valleys in the arctic.'],
        ['code.md', '# Compilers\nA parser turns tokens into a syntax tree.'],
        ['notes.pdf', 'ignored: not a text format'],
      ];
      for (const [name, text] of files) transfer.items.add(new File([text], name, { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: dropped });
    await page.waitForFunction(() => window.__demo.state === 'ready' && window.__demo.summary?.documents === 4, undefined, { timeout: 60_000 });
    expect(await page.locator('#corpus-summary').textContent()).toContain('4 files: 4 documents');
    expect(await page.locator('#corpus-summary').textContent()).toContain('1 file skipped');
    await page.fill('#query', 'glacier valleys');
    await page.press('#query', 'Enter');
    await page.waitForFunction(() => window.__demo.lastSearch?.query === 'glacier valleys', undefined, { timeout: 30_000 });
    expect((await hooks(page)).lastSearch!.ids.cosine[0].id).toBe('ice.txt');
    expect(await page.locator('#baseline-results li').first().textContent()).toContain('ice.txt');
    // Ids that are not CVE/CWE ids get no link.
    expect(await page.locator('#baseline-results a.hit-id').count()).toBe(0);
    await captureState(page, 'own-corpus');

    // Responsive: at phone width nothing overflows sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'demo-phone');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders a document page with its token grid and metrics, and explains what the encoder needs', async () => {
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(inject('baseUrl'));
    // Every form control has an accessible name.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')]
        .filter((control) => control.labels?.length === 0 && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby'))
        .map((control) => control.id || control.name),
    );
    expect(unlabelled).toEqual([]);
    // The tabs work from the keyboard.
    await page.locator('#tab-search').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#panel-optical').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-optical');
    await expect.poll(() => page.locator('#optical-metrics dd').count(), { timeout: 30_000 }).toBeGreaterThan(5);
    expect(await page.locator('#optical-canvas').evaluate((canvas: HTMLCanvasElement) => [canvas.width, canvas.height])).toEqual([640, 640]);
    expect(await page.locator('#optical-metrics dd[data-key="content tokens out"]').textContent()).toMatch(/^100 \(16× fewer\)/);
    await page.selectOption('#optical-mode', 'tiny');
    await page.getByRole('button', { name: 'Render page' }).click();
    await expect.poll(() => page.locator('#optical-metrics dd[data-key="content tokens out"]').textContent()).toMatch(/^64 /);
    await page.getByRole('button', { name: 'Encode the page' }).click();
    await expect.poll(() => page.locator('#encoder-status').textContent()).toContain('cannot run without DeepSeek-OCR weights');
    // A safetensors file that is not a DeepSeek-OCR checkpoint: one f32 tensor named "other".
    const header = Buffer.from(JSON.stringify({ other: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    await page.setInputFiles('#encoder-file', { name: 'not-deepseek.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.concat([length, header, Buffer.alloc(4)]) });
    await page.getByRole('button', { name: 'Encode the page' }).click();
    await expect.poll(() => page.locator('#encoder-status').textContent(), { timeout: 30_000 }).toMatch(/could not run: The checkpoint lacks \d+ tensor\(s\) the encoder needs/);
    await screenshot(page, 'demo-optical');

    await captureState(page, 'optical');

    // The sweep tab knows every heatmap committed under docs/sweep/ and shows one sweep and metric at a time.
    await page.locator('#tab-sweep').click();
    const sweepDirectory = fileURLToPath(new URL('../docs/sweep/', import.meta.url));
    const heatmaps = existsSync(sweepDirectory) ? readdirSync(sweepDirectory, { recursive: true }).map(String).filter((name) => name.endsWith('.svg')) : [];
    expect(heatmaps.length).toBeGreaterThan(0);
    expect(Number(await page.locator('#sweep-figures').getAttribute('data-heatmaps'))).toBe(heatmaps.length);
    const shownSet = await page.inputValue('#sweep-set');
    const expected = heatmaps.filter((name) => name.startsWith(`${shownSet}/`) && name.endsWith('-ndcg10.svg'));
    expect(await page.locator('#sweep-figures img').count()).toBe(expected.length);
    await expect.poll(() => page.locator('#sweep-figures img').first().evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBeGreaterThan(0);
    await page.selectOption('#sweep-metric', 'mrr10');
    expect(await page.locator('#sweep-figures figcaption').first().textContent()).toContain('MRR@10');
    await page.selectOption('#sweep-metric', 'ndcg10');
    await captureState(page, 'sweep');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('forgets the saved index, and offers to only while something is saved', async () => {
    const { page, errors, ready: loaded } = await openDemo(context);
    expect([loaded.loads, loaded.saved]).toEqual([1, true]);
    expect(await page.locator('#forget-index').isEnabled()).toBe(true);
    await page.locator('#forget-index').click();
    await page.waitForFunction(() => window.__demo.saved === false);
    expect(await page.locator('#forget-index').isDisabled()).toBe(true);
    expect(await page.locator('#storage-status').textContent()).toContain('removed from OPFS');
    // The next visit finds nothing saved (the corpus is held back, so no rebuild is needed to see it).
    await page.route('**/cve-corpus.json', () => new Promise<void>(() => undefined));
    await page.reload();
    await page.waitForSelector('#build-stages li[data-stage="corpus"]');
    expect([(await hooks(page)).saved, await page.locator('#forget-index').isDisabled()]).toEqual([false, true]);
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
    const cpuRankings: Rankings = new Map();
    await checkExamples(page, cpuRankings);
    if (webgpuRankings.size === 0) console.info('[e2e] no WebGPU rankings (this test ran alone): WebGPU/CPU comparison not made');
    for (const [query, byMethod] of webgpuRankings) {
      for (const [method, gpuIds] of Object.entries(byMethod)) {
        const cpuIds = cpuRankings.get(query)![method];
        const shared = gpuIds.filter((id) => cpuIds.includes(id)).length;
        console.info(`[e2e] ${query} ${method}: WebGPU and CPU top 10 share ${shared}`);
        // Same embeddings, same seeded build; f32 rounding on the GPU may swap a near-tie at rank 10.
        expect(shared, `${query} ${method}: WebGPU ${gpuIds.join(',')} vs CPU ${cpuIds.join(',')}`).toBeGreaterThanOrEqual(9);
      }
    }
    await screenshot(page, 'demo-fallback');
    await captureState(page, 'no-webgpu');

    // Where OPFS is missing the index is saved to IndexedDB; the next visit loads it.
    await page.goto(`${inject('baseUrl')}?storage=indexeddb`);
    await waitReady(page);
    await page.getByRole('button', { name: 'Save index' }).click();
    await page.waitForFunction(() => window.__demo.saved === true, undefined, { timeout: 30_000 });
    expect(await page.locator('#storage-status').textContent()).toContain('IndexedDB');
    await page.reload();
    const reloaded = await waitReady(page);
    expect([reloaded.storage, reloaded.loads, reloaded.builds, reloaded.summary!.loadedFromStorage]).toEqual(['IndexedDB', 1, 0, true]);
    const search = await runExample(page, 'SQL injection in login endpoint', DEFAULT_RANKING);
    expect(search.ids.cosine.map((hit) => hit.id)).toEqual(cpuRankings.get('seed-sql-injection')!.cosine);
    expect(errors).toEqual([]);
    await page.close();
  });
});
