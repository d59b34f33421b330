/**
 * The one library build shared by the published packages (@opticspace/gpu, @opticspace/index,
 * @opticspace/encoder and the umbrella opticspace). Each package's vite.config.ts is
 * `export default libraryConfig(import.meta.url)`; `pnpm build` (scripts/build-packages.ts)
 * builds them in dependency order.
 *
 * What it produces in <package>/dist:
 *  - ESM, one output file per source module (`preserveModules`), so bundlers can drop what an
 *    app does not import (every package is `sideEffects: false`). The entry points are the
 *    source files named by the package's `exports` and `imports` (the per-environment modules
 *    behind `#dawn`, `#file-storage`, ...); `#...` specifiers stay as they are, resolved by the
 *    app's runtime or bundler through the published `imports` (Node gets the `node` files,
 *    browsers the `default` ones);
 *  - WGSL inlined as strings (Vite turns `?raw` imports into string modules);
 *  - `.d.ts` declarations from the TypeScript compiler, with `.js` extensions on relative
 *    imports so they also resolve under `moduleResolution: node16/nodenext`, made to stand
 *    alone (scripts/standalone-types.ts);
 *  - no source maps: the output is unminified, one readable file per source module, so stack
 *    traces already name the module and function; maps would point at TypeScript sources that
 *    the tarballs do not ship (or, with the sources embedded, weighed 45 % of the install).
 * Other workspace packages, Node built-ins and `webgpu` (Dawn) stay external. Sibling
 * packages' types are read from their dist/.
 * It lives at the workspace root so that no low-level package's build imports the umbrella.
 */
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { shaderAlias } from './scripts/shader-alias.mjs';
import { makeDeclarationsStandalone } from './scripts/standalone-types';

const WORKSPACE_ROOT = dirname(fileURLToPath(import.meta.url));

/** Adds `.js` (or `/index.js`) to extensionless relative specifiers in a declaration file. */
export function addDeclarationExtensions(text: string, declarationPath: string, sourceDir: string, outDir: string): string {
  const sourceFileDir = join(sourceDir, relative(outDir, dirname(declarationPath)));
  // Relative specifiers: './x', '../x', and the bare '.' / '..' that tsc writes for an index.
  return text.replace(/((?:from\s+|import\s*\(\s*|import\s+)['"])(\.{1,2}(?:\/[^'"]*)?)(['"])/g, (whole, head: string, specifier: string, tail: string) => {
    if (/\.(js|mjs|cjs|json)$/.test(specifier)) return whole;
    const target = resolve(sourceFileDir, specifier);
    const base = specifier.replace(/\/$/, '');
    if (existsSync(`${target}.ts`)) return `${head}${base}.js${tail}`;
    if (existsSync(join(target, 'index.ts'))) return `${head}${base}/index.js${tail}`;
    return whole;
  });
}

/** Emits declarations for <package>/src into <package>/dist; throws with tsc's diagnostics on error. */
export function emitDeclarations(packageDir: string): number {
  // Sibling packages' types come from their dist/: say so plainly when one is not built yet.
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
  const unbuilt = Object.keys(manifest.dependencies ?? {})
    .filter((name) => name.startsWith('@opticspace/'))
    .filter((name) => !existsSync(join(WORKSPACE_ROOT, 'packages', name.slice('@opticspace/'.length), 'dist/index.d.ts')));
  if (unbuilt.length > 0) {
    throw new Error(`${manifest.name} needs the declarations of ${unbuilt.join(', ')}: build them first (pnpm build builds in dependency order)`);
  }
  const sourceDir = join(packageDir, 'src');
  const outDir = join(packageDir, 'dist');
  // Sibling packages resolve to their built declarations, not their sources.
  const siblingDeclarations = { '@opticspace/*': [join(WORKSPACE_ROOT, 'packages/*/dist/index.d.ts')] };
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['@webgpu/types', 'vite/client', 'node'],
    typeRoots: [join(WORKSPACE_ROOT, 'node_modules/@types'), join(WORKSPACE_ROOT, 'node_modules')],
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: sourceDir,
    outDir,
    baseUrl: packageDir,
    paths: siblingDeclarations,
  };
  const entries = ts.sys.readDirectory(sourceDir, ['.ts'], ['**/*.test.ts'], ['**/*']);
  const host = ts.createCompilerHost(options);
  const program = ts.createProgram(entries, options, host);
  let written = 0;
  const result = program.emit(undefined, (fileName, text) => {
    ts.sys.writeFile(fileName, addDeclarationExtensions(text, fileName, sourceDir, outDir));
    written += 1;
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0) {
    const formatted = ts.formatDiagnosticsWithColorAndContext(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => packageDir,
      getNewLine: () => '\n',
    });
    throw new Error(`declarations for ${relative(WORKSPACE_ROOT, packageDir)} failed:\n${formatted}`);
  }
  const publicDeclarations = packageEntries(packageDir, { exportsOnly: true }).map((entry) => join(outDir, relative(sourceDir, entry)).replace(/\.ts$/, '.d.ts'));
  makeDeclarationsStandalone(outDir, publicDeclarations, siblingDeclarations, WORKSPACE_ROOT);
  return written;
}

function declarations(packageDir: string): Plugin {
  return {
    name: 'opticspace:declarations',
    apply: 'build',
    closeBundle() {
      const count = emitDeclarations(packageDir);
      this.info?.(`${count} declaration files written`);
    },
  };
}

interface WorkspaceManifest {
  exports?: Record<string, string>;
  imports?: Record<string, Record<string, string>>;
}

/** The source files a package publishes: the targets of its `exports` (and `imports`) under src/. */
export function packageEntries(packageDir: string, { exportsOnly = false } = {}): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as WorkspaceManifest;
  const imports = exportsOnly ? [] : Object.values(manifest.imports ?? {}).flatMap((conditions) => Object.values(conditions));
  const targets = [...Object.values(manifest.exports ?? {}), ...imports];
  return [...new Set(targets.filter((target) => target.startsWith('./src/') && target.endsWith('.ts')))].map((target) => join(packageDir, target));
}

/** The Vite library config for the package whose vite.config.ts passes its import.meta.url. */
export function libraryConfig(configUrl: string): UserConfig {
  const packageDir = dirname(fileURLToPath(configUrl));
  return defineConfig({
    root: packageDir,
    logLevel: 'warn',
    plugins: [declarations(packageDir)],
    resolve: { alias: shaderAlias },
    build: {
      outDir: join(packageDir, 'dist'),
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      lib: { entry: packageEntries(packageDir), formats: ['es'] },
      rolldownOptions: {
        external: [/^node:/, 'webgpu', /^@opticspace\//, /^opticspace$/, /^#/],
        output: { preserveModules: true, preserveModulesRoot: join(packageDir, 'src'), entryFileNames: '[name].js' },
      },
    },
  });
}
