import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createDevice, runKernelChecks, type KernelCheckResult } from '@opticspace/gpu';
import { registerEncoderKernelChecks } from '@opticspace/encoder';
import { registerIndexKernelChecks } from '@opticspace/index';
import { launchChromium, screenshot, watchConsole } from './browser';

// The browser runs the same kernel checks as the Node suite (f32 path: SwiftShader has no
// shader-f16) and must agree with the Node results on every case.
describe('kernel checks in Chromium (WebGPU)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('pass against the TS references and agree with Dawn in Node', async () => {
    const page = await browser.newPage();
    const errors = watchConsole(page);
    await page.goto(`${inject('baseUrl')}kernels.html`);
    await page.waitForFunction(() => window.__kernelChecks !== undefined, undefined, { timeout: 240_000 });
    const browserRun = (await page.evaluate(() => window.__kernelChecks))!;
    expect(browserRun.results.some((r) => r.kernel.startsWith('index.'))).toBe(true);
    await screenshot(page, 'kernel-checks');
    console.info(`[e2e] Chromium adapter: ${browserRun.adapter}; shader-f16=${browserRun.shaderF16}; ${browserRun.results.length} checks`);
    expect(browserRun.error).toBeUndefined();
    expect(browserRun.results.length).toBeGreaterThan(0);
    const failures = browserRun.results.filter((r) => !r.ok);
    expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);

    registerEncoderKernelChecks();
    registerIndexKernelChecks();
    const node = await createDevice();
    let nodeResults: KernelCheckResult[];
    try {
      nodeResults = await runKernelChecks(node, { dtype: 'f32' });
      console.info(`[e2e] Node adapter: ${node.adapterName}`);
    } finally {
      node.dispose();
    }
    const browserF32 = browserRun.results.filter((r) => r.dtype === 'f32');
    expect(browserF32.map((r) => `${r.kernel}/${r.caseName}`)).toEqual(nodeResults.map((r) => `${r.kernel}/${r.caseName}`));
    for (const [i, nodeResult] of nodeResults.entries()) {
      const browserChecksum = browserF32[i].checksum;
      // Both are f32 GPU runs of the same seeded inputs; sums may differ only by rounding order.
      const tolerance = 1e-4 * (1 + Math.abs(nodeResult.checksum)) + nodeResult.atol;
      expect(Math.abs(browserChecksum - nodeResult.checksum), `${nodeResult.kernel}/${nodeResult.caseName}`).toBeLessThanOrEqual(tolerance);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
