/**
 * Measures Node (@napi-rs/canvas) vs Chromium (OffscreenCanvas) pixel parity of
 * renderTextPage: bundles the layout code with Vite, renders the same texts in both,
 * and prints per-mode differences (pixels differing, max and mean absolute difference,
 * whether the line breaks agree). Usage: node scripts/run-ts.mjs packages/optical/scripts/measure-browser-parity.mjs
 * (CHROMIUM_PATH overrides /usr/bin/chromium; the page loads DejaVuSans.ttf from disk.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { createNodeCanvasFactory, renderTextPage, DEFAULT_FONT_PATHS } from '../src/index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const [bundle] = await build({
  configFile: false,
  logLevel: 'silent',
  build: { write: false, minify: false, lib: { entry: `${here}browser-parity-entry.ts`, formats: ['iife'], name: 'opticalParityBundle', fileName: 'parity' } },
});
const fontPath = DEFAULT_FONT_PATHS.find((p) => { try { readFileSync(p); return true; } catch { return false; } });
const fontBase64 = readFileSync(fontPath).toString('base64');

const corpus = readFileSync(new URL('../../../datasets/cranfield/corpus.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean).slice(0, 3).map((l) => JSON.parse(l).text);
const texts = ['Hello optical world: 0123456789 (abc) [xyz] {ÄÖÜ} — “quotes”', ...corpus];
const modes = ['tiny', 'small', 'base', 'gundam'];

const factory = await createNodeCanvasFactory();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--headless=new', '--no-sandbox'] });
const page = await browser.newPage();
await page.setContent('<!doctype html><html><body></body></html>');
await page.addScriptTag({ content: bundle.output[0].code });
await page.evaluate(async (font) => {
  await globalThis.opticalParity.loadBrowserFont(`data:font/ttf;base64,${font}`);
}, fontBase64);

for (const rasterization of ['canvas', 'supersampled']) for (const mode of modes) {
  let differing = 0, total = 0, maxDifference = 0, sumDifference = 0, sameBreaks = 0;
  for (const text of texts) {
    const node = renderTextPage(text, { mode, rasterization }, factory);
    const remote = await page.evaluate(({ text, mode, rasterization }) => {
      const result = globalThis.opticalParity.renderTextPage(text, { mode, rasterization }, globalThis.opticalParity.createBrowserCanvasFactory());
      let binary = '';
      const bytes = new Uint8Array(result.image.data.buffer, result.image.data.byteOffset, result.image.data.byteLength);
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { data: btoa(binary), lines: result.lines.map((l) => l.text) };
    }, { text, mode, rasterization });
    remote.data = new Uint8Array(Buffer.from(remote.data, 'base64'));
    if (process.env.PARITY_DUMP && text === texts[1]) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env.PARITY_DUMP}/${rasterization}-${mode}-node.png`, await factory.encodePng(node.image));
      writeFileSync(`${process.env.PARITY_DUMP}/${rasterization}-${mode}-chromium.png`, await factory.encodePng({ width: node.image.width, height: node.image.height, data: remote.data }));
    }
    if (JSON.stringify(remote.lines) === JSON.stringify(node.lines.map((l) => l.text))) sameBreaks++;
    for (let i = 0; i < node.image.data.length; i += 4) {
      const d = Math.max(Math.abs(node.image.data[i] - remote.data[i]), Math.abs(node.image.data[i + 1] - remote.data[i + 1]), Math.abs(node.image.data[i + 2] - remote.data[i + 2]));
      total++;
      if (d > 0) differing++;
      maxDifference = Math.max(maxDifference, d);
      sumDifference += d;
    }
  }
  console.log(`${rasterization} ${mode}: line breaks equal ${sameBreaks}/${texts.length}; pixels differing ${(100 * differing / total).toFixed(3)}%; max |diff| ${maxDifference}; mean |diff| ${(sumDifference / total).toFixed(4)}`);
}
await browser.close();
