/**
 * Throwaway consumer projects: each example under examples/ is copied into a scratch folder,
 * the packed tarballs are installed into it with `npm install --offline` (they depend on nothing
 * but each other), and its tools (TypeScript, Vite, esbuild, Rollup, type packages, Dawn) are
 * linked from the workspace's node_modules at the versions the lockfile pins, so no test
 * downloads anything. Then its own npm scripts run as a user would run them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT } from '../build-packages';
import type { Tarball } from './tarballs';

export interface ConsumerSpec {
  /** The TypeScript setup its `check` script type-checks the packages' declarations under. */
  setup: string;
  /** Its npm scripts, run in this order after the install (a `tsc` build type-checks as it emits). */
  scripts: string[];
  /** Compile-time checks of the packages' types in this setup, added as src/package-types.ts. */
  typeChecks: string;
  /** Output folders of browser builds: their JavaScript must not reach Node-only code. */
  browserOutputs?: string[];
}

const CONTEXT = "import type { GpuContext, SaveTarget } from 'opticspace';\ndeclare const ctx: GpuContext;\n";
const NEVER_ANY = '// @ts-expect-error: a device is a WebGPU object, never `any`\nexport const notANumber: number = ctx.device;\n';
const WITH_WEBGPU_TYPES = `${CONTEXT}${NEVER_ANY}export const device: GPUDevice = ctx.device;\nexport const limit: number = ctx.device.limits.maxBufferSize;\nexport const handle: SaveTarget = null as unknown as FileSystemFileHandle;\n`;
const DOM_ONLY = `${CONTEXT}${NEVER_ANY}// @ts-expect-error: WebGPU's members need @webgpu/types, which this setup leaves out\nctx.device.createBuffer;\nexport const handle: SaveTarget = null as unknown as FileSystemFileHandle;\n`;
const NODE_ONLY = `${CONTEXT}${NEVER_ANY}export const path: SaveTarget = 'index.opsx';\n// @ts-expect-error: a number is no save target\nexport const wrong: SaveTarget = 42;\n`;

/** The consumers, by example folder. */
export const CONSUMERS: Record<string, ConsumerSpec> = {
  'vite-app': {
    setup: 'DOM app, moduleResolution bundler, @webgpu/types',
    scripts: ['check', 'build'],
    typeChecks: WITH_WEBGPU_TYPES,
    browserOutputs: ['dist'],
  },
  'plain-html': {
    setup: 'DOM app without @webgpu/types, module nodenext, tsc only (import map)',
    scripts: ['build'],
    typeChecks: DOM_ONLY,
  },
  'browser-bundle': {
    setup: 'moduleResolution bundler, @webgpu/types; esbuild --platform=browser and Rollup',
    scripts: ['build:esbuild', 'build:rollup'],
    typeChecks: WITH_WEBGPU_TYPES,
    browserOutputs: ['dist/esbuild', 'dist/rollup'],
  },
  'node-esm': {
    setup: 'Node ESM: lib es2022 + @types/node (no DOM), module nodenext',
    scripts: ['build', 'start'],
    typeChecks: NODE_ONLY,
  },
  'node-cjs': {
    setup: 'Node CommonJS: lib es2022 + @types/node, module nodenext (require of ESM)',
    scripts: ['build', 'start'],
    typeChecks: NODE_ONLY,
  },
};

/** Whether `version` meets `range` (the forms the examples use: exact, ^x.y.z, ~x.y.z). */
export function satisfies(version: string, range: string): boolean {
  const parse = (text: string) => text.split('.').map(Number);
  const [kind, wanted] = /^[\^~]/.test(range) ? [range[0], parse(range.slice(1))] : ['=', parse(range)];
  const actual = parse(version);
  if (actual.length !== 3 || wanted.length !== 3 || [...actual, ...wanted].some(Number.isNaN)) return false;
  const order = actual[0] - wanted[0] || actual[1] - wanted[1] || actual[2] - wanted[2];
  if (kind === '=') return order === 0;
  if (order < 0 || actual[0] !== wanted[0]) return false;
  if (kind === '~') return actual[1] === wanted[1];
  return wanted[0] > 0 || actual[1] === wanted[1]; // ^0.y.z stays within 0.y
}

/** Links a workspace package (and its bins) into a consumer's node_modules. */
function linkFromWorkspace(consumer: string, name: string, range: string): void {
  const source = realpathSync(join(ROOT, 'node_modules', name));
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string; bin?: string | Record<string, string> };
  if (!satisfies(manifest.version, range)) throw new Error(`${name}: the workspace has ${manifest.version}, the example asks for ${range}`);
  const target = join(consumer, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(source, target, 'dir');
  const bins = typeof manifest.bin === 'string' ? { [name.split('/').pop()!]: manifest.bin } : (manifest.bin ?? {});
  mkdirSync(join(consumer, 'node_modules/.bin'), { recursive: true });
  for (const [command, file] of Object.entries(bins)) symlinkSync(join(source, file), join(consumer, 'node_modules/.bin', command));
}

/**
 * Copies examples/<example> to `workDir`, installs the tarballs into it with npm (offline) and
 * links its other dependencies from the workspace. Returns the consumer's folder.
 */
export function installConsumer(example: string, tarballs: Tarball[], workDir: string): string {
  const source = join(ROOT, 'examples', example);
  const consumer = join(workDir, example);
  cpSync(source, consumer, { recursive: true, filter: (path) => !/(^|\/)(node_modules|dist|build)(\/|$)/.test(relative(source, path)) });
  const manifestPath = join(consumer, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const published = new Set(tarballs.map((tarball) => tarball.name));
  const tools = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(([name]) => !published.has(name));
  delete manifest.dependencies;
  delete manifest.devDependencies;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs.map((tarball) => tarball.file)], {
    cwd: consumer,
    encoding: 'utf8',
    env: cleanEnv(),
  });
  if (install.status !== 0) throw new Error(`npm install of the tarballs into ${example} failed:\n${install.stdout}${install.stderr}`);
  for (const [name, range] of tools) linkFromWorkspace(consumer, name, range);
  writeFileSync(join(consumer, 'src/package-types.ts'), CONSUMERS[example].typeChecks);
  return consumer;
}

/** The environment without what the outer npm / test runner set for itself. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_OPTIONS'));
}

export interface ScriptRun {
  script: string;
  ok: boolean;
  ms: number;
  output: string;
  stdout: string;
}

/** Runs `npm run <script>` in a consumer. */
export function runScript(consumer: string, script: string): ScriptRun {
  const started = performance.now();
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: consumer, encoding: 'utf8', env: cleanEnv(), timeout: 240_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { script, ok: result.status === 0, ms: performance.now() - started, output, stdout: result.stdout ?? '' };
}

/** Every file under `directory` (recursively) whose name matches `pattern`. */
export function filesUnder(directory: string, pattern = /\.m?js$/): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile());
}

export function totalBytes(files: string[]): number {
  return files.reduce((sum, file) => sum + statSync(file).size, 0);
}

/**
 * What in browser JavaScript reaches Node-only code: a string naming a Node built-in
 * (`"node:fs"`: an import, a require, or a name held for a computed import), a module specifier
 * `webgpu` (Dawn) in an import, export, dynamic import or require, or code of the Node-only
 * modules (Dawn's runtime-dir setup). The word "webgpu" alone is fine: it names the index's
 * WebGPU backend; so is "node:" in a comment.
 */
export function nodeOnlyReferences(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/["'`]node:[\w/]+["'`]/g)) found.push(`names a Node built-in: ${match[0]}`);
  const specifier = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'`]webgpu["'`]/g;
  for (const match of code.matchAll(specifier)) found.push(`imports Dawn: ${match[0]}`);
  if (code.includes('XDG_RUNTIME_DIR')) found.push("Dawn's loader (XDG_RUNTIME_DIR)");
  return found;
}
