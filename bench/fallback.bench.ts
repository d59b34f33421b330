/**
 * Is gpu.js worth keeping as the no-WebGPU fallback for scoring? Runs in Debian Chromium with
 * WebGPU disabled: cosine scores of a query batch against N items, on gpu.js (WebGL2) and in
 * plain TypeScript, in the same page and run. The verdict decides the fallback (README).
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../e2e/browser';
import type { BenchContext, BenchTable } from './harness';

const require = createRequire(import.meta.url);

interface FallbackResult {
  ts: number;
  gpujs: number;
  mode: string;
  maxError: number;
}

export default async function fallbackBench(ctx: BenchContext): Promise<BenchTable[]> {
  const gpuJsBundle = resolve(dirname(require.resolve('gpu.js/package.json')), 'dist/gpu-browser.min.js');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs({ webgpu: false }), '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const rows: BenchTable['rows'] = [];
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>fallback bench</title>');
    await page.addScriptTag({ path: gpuJsBundle });
    // Plain JS (not transpiled) so gpu.js can parse the kernel's source text.
    await page.addScriptTag({ path: fileURLToPath(new URL('./fallback-page.js', import.meta.url)) });
    const sizes = ctx.quick ? [1_000, 10_000] : [1_681, 10_000, 50_000];
    const features = 384;
    for (const items of sizes) {
      for (const queries of [1, 64]) {
        ctx.log(`N=${items} queries=${queries}`);
        const result = await page.evaluate(
          (args) => (window as unknown as { runFallbackBench: (a: object) => FallbackResult }).runFallbackBench(args),
          { items, queries, features },
        );
        rows.push({
          items,
          queries,
          'plain TS ms': result.ts,
          'gpu.js ms': result.gpujs,
          'gpu.js / TS': result.gpujs / result.ts,
          'gpu.js mode': result.mode,
          'max |error|': result.maxError,
        });
      }
    }
  } finally {
    await browser.close();
  }
  return [
    {
      title: 'No-WebGPU fallback: cosine scoring, gpu.js (WebGL2) vs plain TS, Chromium with WebGPU disabled',
      notes: [`F = 384; Chromium ${'/usr/bin/chromium'} headless, WebGL on SwiftShader (no GPU on this machine)`, 'ratio > 1 means gpu.js is slower'],
      rows,
    },
  ];
}
