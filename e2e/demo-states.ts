/**
 * Helpers for the demo's state checks: axe-core (injected into the page) with no serious or
 * critical violations allowed, and one screenshot per state and viewport. The screenshots go
 * to e2e/artifacts/states/; with UPDATE_SCREENSHOTS=1 they also replace the committed ones in
 * docs/screenshots/ (shown in the README), and without it each state must already have its
 * committed screenshot, so a new state cannot go undocumented.
 */
import type { Page } from 'playwright-core';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ARTIFACTS_DIR } from './browser';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const SCREENSHOTS_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const STATES_DIR = `${ARTIFACTS_DIR}states/`;

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core on the page as it is now; fails on any serious or critical violation. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const started = Date.now();
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as AxeViolation[];
  const describe = (v: AxeViolation) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')})`;
  const minor = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  const notes = minor.length > 0 ? `; minor/moderate: ${minor.map((v) => v.id).join(', ')}` : '';
  console.info(`[e2e] axe-core, ${label}: ${violations.length - minor.length} serious/critical${notes} (${Date.now() - started} ms)`);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking.map(describe), `axe-core on ${label}`).toEqual([]);
}

async function save(page: Page, file: string): Promise<void> {
  mkdirSync(STATES_DIR, { recursive: true });
  await page.screenshot({ path: `${STATES_DIR}${file}`, animations: 'disabled', caret: 'hide' });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    copyFileSync(`${STATES_DIR}${file}`, `${SCREENSHOTS_DIR}${file}`);
  } else {
    expect(existsSync(`${SCREENSHOTS_DIR}${file}`), `docs/screenshots/${file} is committed (UPDATE_SCREENSHOTS=1 writes it)`).toBe(true);
  }
}

/**
 * Checks a state with axe-core and screenshots it on the desktop viewport and on a phone
 * (`<state>-desktop.png`, `<state>-phone.png`), then puts the desktop viewport back.
 * `prepare` runs after each resize (e.g. to scroll the part that matters into view).
 */
export async function captureState(page: Page, state: string, prepare?: (viewport: 'desktop' | 'phone') => Promise<void>): Promise<void> {
  for (const [viewport, size] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(size);
    // From the top of the page, with no hover left over from earlier clicks.
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await prepare?.(viewport);
    await expectAccessible(page, `${state} (${viewport})`);
    if (viewport === 'phone') expect(await page.evaluate(() => document.documentElement.scrollWidth), `${state}: nothing overflows sideways on a phone`).toBeLessThanOrEqual(PHONE.width);
    await save(page, `${state}-${viewport}.png`);
  }
  await page.setViewportSize(DESKTOP);
}
