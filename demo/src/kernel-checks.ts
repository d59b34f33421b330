// Runs @opticspace/gpu's kernel self-checks in the browser and shows them as a table.
// The e2e suite reads `window.__kernelChecks` and compares it with the Node results.
import { getDevice, runKernelChecks, type KernelCheckResult } from '@opticspace/gpu';
import { registerEncoderKernelChecks } from '@opticspace/encoder';
import { registerIndexKernelChecks } from '@opticspace/index';

declare global {
  interface Window {
    __kernelChecks?: { adapter: string; shaderF16: boolean; results: KernelCheckResult[]; error?: string };
  }
}

const status = document.querySelector<HTMLParagraphElement>('#status')!;
const container = document.querySelector<HTMLDivElement>('#results')!;

function renderTable(results: KernelCheckResult[]): void {
  const rows = results
    .map(
      (r) =>
        `<tr><td>${r.kernel}</td><td>${r.caseName}</td><td>${r.dtype}</td><td>${r.maxAbsError.toExponential(2)}</td>` +
        `<td>${r.atol} + ${r.rtol}·|x|</td><td class="${r.ok ? 'ok' : 'fail'}">${r.ok ? 'pass' : 'FAIL'}</td></tr>`,
    )
    .join('');
  container.innerHTML =
    '<table><thead><tr><th>kernel</th><th>case</th><th>dtype</th><th>max abs error</th><th>tolerance</th><th>result</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`;
}

async function main(): Promise<void> {
  registerEncoderKernelChecks();
  registerIndexKernelChecks();
  try {
    const ctx = await getDevice();
    status.textContent = `Adapter: ${ctx.adapterName}; shader-f16: ${ctx.features.shaderF16}. Running…`;
    const results = await runKernelChecks(ctx, { dtype: 'f32' });
    if (ctx.features.shaderF16) results.push(...(await runKernelChecks(ctx, { dtype: 'f16' })));
    renderTable(results);
    const failed = results.filter((r) => !r.ok).length;
    status.textContent = `Adapter: ${ctx.adapterName}. ${results.length - failed} of ${results.length} checks passed.`;
    window.__kernelChecks = { adapter: ctx.adapterName, shaderF16: ctx.features.shaderF16, results };
  } catch (error) {
    status.textContent = `Kernel checks could not run: ${(error as Error).message}`;
    window.__kernelChecks = { adapter: 'none', shaderF16: false, results: [], error: String(error) };
  }
}

void main();
