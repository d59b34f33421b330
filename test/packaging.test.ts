/**
 * The packaging rules that do not need a pack or a browser (those run in
 * e2e/examples.e2e.test.ts, the release check): the published manifests mirror the workspace's,
 * each Node-only module has a browser stand-in with the same exports, declarations are made
 * to stand alone, and the checks the release check relies on catch what they must.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { publishedPackages, ROOT } from '../scripts/build-packages';
import { makeDeclarationsStandalone, webTypesDeclaration } from '../scripts/standalone-types';
import { nodeOnlyReferences, satisfies } from '../scripts/release-check/consumers';

interface Manifest {
  exports: Record<string, string>;
  imports?: Record<string, Record<string, string>>;
  scripts?: unknown;
  publishConfig: { exports: Record<string, unknown>; imports?: Record<string, Record<string, string>> };
}

const toDist = (source: string) => source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '.js');

describe('published manifests', () => {
  const packages = publishedPackages();

  it('are the four library packages, in dependency order; eval, optical and the CLI stay private', () => {
    expect(packages.map((entry) => entry.name)).toEqual(['@opticspace/gpu', '@opticspace/encoder', '@opticspace/index', 'opticspace']);
  });

  for (const { name, directory, manifest: raw } of packages) {
    const manifest = raw as unknown as Manifest;
    it(`${name}: publishConfig mirrors the workspace exports and imports (src/*.ts -> dist/*.js), no scripts`, () => {
      expect(manifest.scripts).toBeUndefined();
      const expectedExports = Object.fromEntries(
        Object.entries(manifest.exports)
          .filter(([, target]) => target.startsWith('./src/') || target === './package.json')
          .map(([key, target]) => [key, target === './package.json' ? target : { types: toDist(target).replace(/\.js$/, '.d.ts'), default: toDist(target) }]),
      );
      expect(manifest.publishConfig.exports).toEqual(expectedExports);
      const imports = manifest.imports ?? {};
      expect(manifest.publishConfig.imports ?? {}).toEqual(
        Object.fromEntries(Object.entries(imports).map(([key, conditions]) => [key, { node: toDist(conditions.node), default: toDist(conditions.default) }])),
      );
      for (const [key, conditions] of Object.entries(imports)) {
        // TypeScript checks callers against the Node module; Node and browsers each get theirs.
        expect(Object.keys(conditions), key).toEqual(['types', 'node', 'default']);
        expect(conditions.types, key).toBe(conditions.node);
        for (const target of Object.values(conditions)) expect(existsSync(join(directory, target)), `${key} -> ${target}`).toBe(true);
      }
    });
  }

  const platformModules = packages.flatMap(({ name, directory, manifest }) =>
    Object.entries((manifest as unknown as Manifest).imports ?? {}).map(([key, conditions]) => ({ name, key, node: join(directory, conditions.node), browser: join(directory, conditions.default) })),
  );

  it('there is a Node-only module behind #dawn, #file-storage and #node-fs', () => {
    expect(platformModules.map((entry) => entry.key).sort()).toEqual(['#dawn', '#file-storage', '#node-fs']);
  });

  for (const { name, key, node, browser } of platformModules) {
    it(`${name} ${key}: the browser module exports what the Node one does, and each of its functions refuses with a message`, async () => {
      const nodeModule = (await import(node)) as Record<string, unknown>;
      const browserModule = (await import(browser)) as Record<string, (...args: unknown[]) => Promise<unknown>>;
      expect(Object.keys(browserModule).sort()).toEqual(Object.keys(nodeModule).sort());
      for (const [exported, stub] of Object.entries(browserModule)) {
        await expect(stub('some/path', new Uint8Array(1)), exported).rejects.toThrow(/Node only/);
      }
    });
  }
});

describe('declarations made to stand alone', () => {
  const folder = mkdtempSync(join(tmpdir(), 'opticspace-standalone-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  function compile(files: string[], options: ts.CompilerOptions): string[] {
    const program = ts.createProgram(files, { strict: true, skipLibCheck: false, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, ...options });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
  }

  it('imports each WebGPU / DOM global from web-types.d.ts, at the right depth, and then compiles on ES2022 alone', () => {
    const dist = join(folder, 'ok');
    mkdirSync(join(dist, 'kernels'), { recursive: true });
    writeFileSync(join(dist, 'index.d.ts'), "export * from './kernels/run.js';\nexport declare function save(to: string | FileSystemFileHandle, device: GPUDevice, limits: Pick<GPUSupportedLimits, 'maxBufferSize'>): void;\n");
    writeFileSync(join(dist, 'kernels/run.d.ts'), 'export declare function run(buffer: GPUBuffer, usage: GPUBufferUsageFlags): Promise<void>;\n');
    const rewritten = makeDeclarationsStandalone(dist, [join(dist, 'index.d.ts')], {}, folder);
    expect(rewritten.sort()).toEqual([join(dist, 'index.d.ts'), join(dist, 'kernels/run.d.ts')]);
    expect(readFileSync(join(dist, 'index.d.ts'), 'utf8').split('\n')[0]).toBe("import type { FileSystemFileHandle, GPUDevice, GPUSupportedLimits } from './web-types.js';");
    expect(readFileSync(join(dist, 'kernels/run.d.ts'), 'utf8').split('\n')[0]).toBe("import type { GPUBuffer, GPUBufferUsageFlags } from '../web-types.js';");
  });

  it('refuses declarations that need anything else (here @types/node), naming the file', () => {
    const dist = join(folder, 'node-types');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'index.d.ts'), 'export declare function fail(error: NodeJS.ErrnoException): void;\n');
    expect(() => makeDeclarationsStandalone(dist, [join(dist, 'index.d.ts')], {}, folder)).toThrow(/need more than ES2022[\s\S]*index\.d\.ts.*NodeJS/);
  });

  it("a web type is the app's global type where it exists and an opaque stand-in (never any) where it does not", () => {
    const dir = join(folder, 'setups');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'web-types.d.ts'), webTypesDeclaration());
    const withWebgpu = join(dir, 'with-webgpu.ts');
    writeFileSync(withWebgpu, "import type { GPUDevice as Device, FileSystemFileHandle as Handle } from './web-types.js';\ndeclare const d: Device;\nexport const real: GPUDevice = d;\nexport const back: Device = real;\nexport const size: number = d.limits.maxBufferSize;\nexport const h: FileSystemFileHandle = null as unknown as Handle;\n");
    expect(compile([withWebgpu], { lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: ['@webgpu/types'], typeRoots: [join(ROOT, 'node_modules')] })).toEqual([]);
    const alone = join(dir, 'alone.ts');
    writeFileSync(alone, "import type { GPUDevice as Device } from './web-types.js';\ndeclare const d: Device;\nexport const n: number = d;\nexport const member = d.createBuffer;\n");
    const errors = compile([alone], { lib: ['lib.es2022.d.ts'], types: [] });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/TypeNotLoaded<"GPUDevice", "@webgpu\/types">' is not assignable to type 'number'/);
    expect(errors[1]).toMatch(/Property 'createBuffer' does not exist on type 'TypeNotLoaded<"GPUDevice", "@webgpu\/types">'/);
  });
});

describe('release-check helpers', () => {
  it('nodeOnlyReferences flags Node built-ins and Dawn imports, not the backend name or comments', () => {
    for (const code of ['import("node:fs")', "const name = 'node:fs/promises';", 'export * from "node:os";', 'import { create } from "webgpu";', 'await import(`webgpu`)', "require('webgpu')", 'env.XDG_RUNTIME_DIR']) {
      expect(nodeOnlyReferences(code), code).toHaveLength(1);
    }
    for (const code of ['kind = "webgpu";', '// saves in node: a temporary file', "throw new Error(\"install the 'webgpu' package\")", 'choice === "webgpu"']) {
      expect(nodeOnlyReferences(code), code).toEqual([]);
    }
  });

  it('satisfies reads exact, caret and tilde ranges', () => {
    expect(satisfies('0.6.2', '0.6.2')).toBe(true);
    expect(satisfies('0.6.3', '0.6.2')).toBe(false);
    expect(satisfies('8.3.9', '^8.3.8')).toBe(true);
    expect(satisfies('9.0.0', '^8.3.8')).toBe(false);
    expect(satisfies('8.3.7', '^8.3.8')).toBe(false);
    expect(satisfies('0.1.80', '^0.1.74')).toBe(true);
    expect(satisfies('0.2.0', '^0.1.74')).toBe(false);
    expect(satisfies('5.9.9', '~5.9.3')).toBe(true);
    expect(satisfies('5.10.0', '~5.9.3')).toBe(false);
    expect(satisfies('1.0.0-rc.1', '^1.0.0')).toBe(false);
  });
});
