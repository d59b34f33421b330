/**
 * The one library build shared by the published packages (@opticspace/gpu, @opticspace/index,
 * @opticspace/encoder and the umbrella opticspace). Each package's vite.config.ts is
 * `export default libraryConfig(import.meta.url)` and its `build` script is `vite build`.
 *
 * What it produces in <package>/dist:
 *  - ESM, one output file per source module (`preserveModules`), so bundlers can drop what an
 *    app does not import (every package is `sideEffects: false`);
 *  - WGSL inlined as strings (Vite turns `?raw` imports into string modules);
 *  - `.d.ts` declarations from the TypeScript compiler, with `.js` extensions on relative
 *    imports so they also resolve under `moduleResolution: node16/nodenext`.
 * Other workspace packages, Node built-ins and `webgpu` (Dawn) stay external. Sibling
 * packages' types are read from their dist/ (pnpm -r build runs in dependency order).
 * It lives at the workspace root so that no low-level package's build imports the umbrella.
 */
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { shaderAlias } from './scripts/shader-alias.mjs';

const WORKSPACE_ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * `webgpu` must stay external and only be reached in Node. src/environment.ts in
 * @opticspace/gpu imports it by a computed name, but the bundler folds that constant into a
 * literal `import("webgpu")`, which a browser bundler consuming dist/ would try to resolve.
 * This puts the computed form back.
 */
function keepDawnImportComputed(): Plugin {
  const literal = /import\(\s*(?:\/\*\s*@vite-ignore\s*\*\/\s*)?"webgpu"\s*\)/g;
  return {
    name: 'opticspace:keep-dawn-import-computed',
    renderChunk(code) {
      if (!code.includes('"webgpu"')) return null;
      // Same line count, so the chunk's source map stays valid.
      return { code: code.replace(literal, 'import(/* @vite-ignore */ ["web", "gpu"].join(""))'), map: null };
    },
  };
}

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
    throw new Error(`${manifest.name} needs the declarations of ${unbuilt.join(', ')}: build them first (pnpm -r build builds in dependency order)`);
  }
  const sourceDir = join(packageDir, 'src');
  const outDir = join(packageDir, 'dist');
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
    // Sibling packages resolve to their built declarations, not their sources.
    paths: { '@opticspace/*': [join(WORKSPACE_ROOT, 'packages/*/dist/index.d.ts')] },
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

/** The Vite library config for the package whose vite.config.ts passes its import.meta.url. */
export function libraryConfig(configUrl: string): UserConfig {
  const packageDir = dirname(fileURLToPath(configUrl));
  return defineConfig({
    root: packageDir,
    logLevel: 'warn',
    plugins: [keepDawnImportComputed(), declarations(packageDir)],
    resolve: { alias: shaderAlias },
    build: {
      outDir: join(packageDir, 'dist'),
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      copyPublicDir: false,
      lib: { entry: join(packageDir, 'src/index.ts'), formats: ['es'] },
      rolldownOptions: {
        external: [/^node:/, 'webgpu', /^@opticspace\//, /^opticspace$/],
        output: { preserveModules: true, preserveModulesRoot: join(packageDir, 'src'), entryFileNames: '[name].js' },
      },
    },
  });
}
