/**
 * Declarations that stand alone: a published package's `.d.ts` files must compile in an app
 * whatever its TypeScript setup (a DOM app, Node with `lib: ["es2022"]` and `@types/node`, with
 * or without `@webgpu/types`) under `skipLibCheck: false`, and never turn a WebGPU or DOM type
 * into `any`.
 *
 * The sources are compiled with the DOM lib and `@webgpu/types`, so their declarations name
 * globals such as `GPUDevice` or `FileSystemFileHandle`. After the declarations are written,
 * they are compiled once more with nothing but ES2022; each global that is then missing is
 * imported in that file from `<dist>/web-types.d.ts`, where it is the global type when the app's
 * setup declares it and an opaque stand-in otherwise (the way `@types/node` declares `Blob`).
 * Anything else that does not compile on ES2022 alone fails the build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';

/** Where each global that declarations may use comes from, for the stand-in's name. */
const WEBGPU = '@webgpu/types';
const DOM = 'lib dom';

/**
 * Globals declared as an interface plus a `declare var` (so `typeof globalThis` reveals them):
 * where they come from, or a stand-in more useful than an opaque one (limits are all numbers,
 * and the declarations `Pick` some of them).
 */
const GLOBAL_INTERFACES: Record<string, string | { from: string; standIn: string }> = {
  GPU: WEBGPU,
  GPUAdapter: WEBGPU,
  GPUAdapterInfo: WEBGPU,
  GPUBindGroup: WEBGPU,
  GPUBindGroupLayout: WEBGPU,
  GPUBuffer: WEBGPU,
  GPUCommandEncoder: WEBGPU,
  GPUComputePassEncoder: WEBGPU,
  GPUComputePipeline: WEBGPU,
  GPUDevice: WEBGPU,
  GPUQuerySet: WEBGPU,
  GPUQueue: WEBGPU,
  GPUShaderModule: WEBGPU,
  GPUSupportedFeatures: WEBGPU,
  GPUSupportedLimits: { from: WEBGPU, standIn: '{ readonly [limit: string]: number }' },
  Blob: `${DOM} or @types/node`,
  FileSystemDirectoryHandle: DOM,
  FileSystemFileHandle: DOM,
  FileSystemWritableFileStream: DOM,
};

/** Global type aliases, written out as the WebGPU spec defines them. */
const GLOBAL_ALIASES: Record<string, string> = {
  GPUBufferUsageFlags: 'number',
  GPUMapModeFlags: 'number',
  GPUPowerPreference: "'low-power' | 'high-performance'",
};

export const WEB_TYPES_FILE = 'web-types.d.ts';

/** The text of `<dist>/web-types.d.ts`. */
export function webTypesDeclaration(): string {
  const lines = [
    '/**',
    " * The WebGPU and DOM types used by this package's declarations. Each is the global type where",
    " * the app's TypeScript setup declares it (`@webgpu/types` in `types`, the DOM lib) and otherwise",
    ' * an opaque stand-in, so these declarations compile in any setup and never become `any`.',
    ' */',
    'declare const notLoaded: unique symbol;',
    '/** A value of type `Name`, whose declaration this TypeScript setup lacks: add `From` to use its members. */',
    'export interface TypeNotLoaded<Name extends string, From extends string> {',
    '  readonly [notLoaded]: { name: Name; from: From };',
    '}',
    'type Global<Name extends string, StandIn> = typeof globalThis extends { [K in Name]: { prototype: infer T } } ? T : StandIn;',
    ...Object.entries(GLOBAL_INTERFACES).map(([name, source]) => {
      const standIn = typeof source === 'string' ? `TypeNotLoaded<'${name}', '${source}'>` : source.standIn;
      return `export type ${name} = Global<'${name}', ${standIn}>;`;
    }),
    ...Object.entries(GLOBAL_ALIASES).map(([name, type]) => `export type ${name} = ${type};`),
    '',
  ];
  return lines.join('\n');
}

const KNOWN = new Set([...Object.keys(GLOBAL_INTERFACES), ...Object.keys(GLOBAL_ALIASES)]);

/** Compiles the declarations reachable from `entries` with ES2022 alone (no DOM, no @types); returns the diagnostics. */
function compileAlone(entries: string[], paths: ts.MapLike<string[]>): readonly ts.Diagnostic[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    paths,
  };
  return ts.getPreEmitDiagnostics(ts.createProgram(entries, options));
}

function format(diagnostics: readonly ts.Diagnostic[], root: string): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' });
}

/**
 * Makes the declarations under `outDir` that an app can reach from `entries` (the `.d.ts` of the
 * package's exports) stand alone (see the file comment); `paths` maps sibling packages to their
 * built declarations. Returns the files that now import from web-types.d.ts. Throws, naming
 * each problem, when a declaration needs anything but ES2022 and the globals listed here.
 */
export function makeDeclarationsStandalone(outDir: string, entries: string[], paths: ts.MapLike<string[]>, root: string): string[] {
  const missing = new Map<string, Set<string>>(); // file -> global names
  const problems: ts.Diagnostic[] = [];
  for (const diagnostic of compileAlone(entries, paths)) {
    const name = /^Cannot find name '(\w+)'/.exec(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))?.[1];
    const file = diagnostic.file?.fileName;
    if (name && KNOWN.has(name) && file && file.startsWith(outDir + sep)) {
      if (!missing.has(file)) missing.set(file, new Set());
      missing.get(file)!.add(name);
    } else {
      problems.push(diagnostic);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `declarations in ${relative(root, outDir)} need more than ES2022 and the globals of scripts/standalone-types.ts ` +
        `(add a global there, or keep the type out of the public API):\n${format(problems, root)}`,
    );
  }
  const webTypes = join(outDir, WEB_TYPES_FILE);
  writeFileSync(webTypes, webTypesDeclaration());
  for (const [file, names] of missing) {
    let specifier = relative(dirname(file), webTypes).split(sep).join('/').replace(/\.d\.ts$/, '.js');
    if (!specifier.startsWith('.')) specifier = `./${specifier}`;
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `import type { ${[...names].sort().join(', ')} } from '${specifier}';\n${text}`);
  }
  const remaining = compileAlone([...entries, webTypes], paths);
  if (remaining.length > 0) throw new Error(`declarations in ${relative(root, outDir)} still fail on ES2022 alone:\n${format(remaining, root)}`);
  return [...missing.keys()];
}
