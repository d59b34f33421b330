import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDeclarationExtensions } from '../../../build.config';
import * as opticspace from '../src/index';

describe('declaration files get ESM extensions (node16/nodenext resolution)', () => {
  const root = mkdtempSync(join(tmpdir(), 'opticspace-dts-'));
  const source = join(root, 'src');
  const out = join(root, 'dist');
  mkdirSync(join(source, 'kernels'), { recursive: true });
  mkdirSync(join(source, 'cpu'), { recursive: true });
  for (const file of ['index.ts', 'errors.ts', 'kernels/axpby.ts', 'kernels/index.ts', 'cpu/backend.ts']) writeFileSync(join(source, file), '');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('adds .js to files and /index.js to folders, keeps packages and explicit extensions', () => {
    const text = [
      "export * from './errors';",
      "export { axpby } from './kernels/axpby';",
      "export * from './kernels';",
      "import type { A } from '@opticspace/gpu';",
      "import data from './table.json';",
      "export { x } from './already.js';",
    ].join('\n');
    expect(addDeclarationExtensions(text, join(out, 'index.d.ts'), source, out).split('\n')).toEqual([
      "export * from './errors.js';",
      "export { axpby } from './kernels/axpby.js';",
      "export * from './kernels/index.js';",
      "import type { A } from '@opticspace/gpu';",
      "import data from './table.json';",
      "export { x } from './already.js';",
    ]);
  });

  it('resolves from the declaration file\'s own folder, including import("..") type references', () => {
    const text = 'readonly engine: import("..").Engine;\nrun(): Promise<import("../errors").Failure>;\nexport * from "./backend";';
    expect(addDeclarationExtensions(text, join(out, 'cpu/backend.d.ts'), source, out)).toBe(
      'readonly engine: import("../index.js").Engine;\nrun(): Promise<import("../errors.js").Failure>;\nexport * from "./backend.js";',
    );
  });

  it('leaves a specifier alone when no source file matches', () => {
    expect(addDeclarationExtensions("export * from './missing';", join(out, 'index.d.ts'), source, out)).toBe("export * from './missing';");
  });
});

describe('opticspace umbrella', () => {
  it('re-exports the runtime and the index flat; the encoder only from opticspace/encoder', async () => {
    expect(typeof opticspace.getDevice).toBe('function');
    expect(typeof opticspace.Tensor).toBe('function');
    expect(typeof opticspace.EnergyIndex.build).toBe('function');
    expect('openDeepEncoder' in opticspace).toBe(false);
    expect('encoder' in opticspace).toBe(false);
    const encoder = await import('../src/subpaths/encoder');
    expect(typeof encoder.openDeepEncoder).toBe('function');
    expect(Object.keys(encoder).length).toBeGreaterThan(10);
    const gpu = await import('../src/subpaths/gpu');
    const index = await import('../src/subpaths/index');
    expect(gpu.Tensor).toBe(opticspace.Tensor);
    expect(index.EnergyIndex).toBe(opticspace.EnergyIndex);
  });
});
