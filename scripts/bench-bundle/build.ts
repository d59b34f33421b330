/**
 * `pnpm bench:bundle [--out DIR] [--no-vulkan-deb]`: writes a self-contained folder (default
 * dist/bench-bundle/, at most 60 MiB) that runs the benchmarks on a Linux x86-64 host with a
 * Vulkan driver and no package registry (an NVIDIA GPU host): see scripts/bench-bundle/README.md.
 *
 *   run.sh, README.md, manifest.json
 *   node.xz                  this machine's Node binary (process.execPath), xz-compressed
 *   dawn.node.xz             Dawn's linux-x64 binary from the `webgpu` package, xz-compressed
 *   debs/libvulkan1_*.deb    the Vulkan loader, unpacked by run.sh only where the host has none
 *   app/bench/run.mjs        bench/run.ts as one ESM file (WGSL inlined)
 *   app/cli.mjs              packages/cli/src/main.ts as one ESM file
 *   app/bench/torch_anchors.py, app/scripts/encoder-fixtures/*.py   the PyTorch anchors
 *   app/node_modules/webgpu/{index.js,package.json}                 Dawn's loader module
 *
 * app/ mirrors the repository's layout, so paths the benches resolve from their own location
 * (bench/torch_anchors.py, scripts/encoder-fixtures/bench_torch.py) hold in the bundle too.
 * Compressed binaries are cached under node_modules/.cache/ between builds.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { builtinModules, createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, closeSync, renameSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Plugin } from 'vite';
import { shaderAlias } from '../shader-alias.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE_LIMIT_BYTES = 60 * 2 ** 20;
/** The bench areas run.sh runs (its BUNDLE_AREAS says the same; a test checks). */
export const BUNDLED_AREAS = ['gpu', 'encoder', 'torch', 'index'];
/** Areas left out of the bundle and why: they need what a GPU host without a registry lacks. */
export const LEFT_OUT_AREAS: Record<string, string> = {
  fallback: 'needs Chromium, playwright-core and gpu.js',
  optical: 'needs @napi-rs/canvas (Skia) and the Cranfield corpus',
};
/** The single-file bundles: output path inside app/ -> entry in the repository. */
export const ENTRIES: Record<string, string> = { 'bench/run.mjs': 'bench/run.ts', 'cli.mjs': 'packages/cli/src/main.ts' };
/** Files the bundled benches read beside them (same paths inside app/). */
const DATA_FILES = ['bench/torch_anchors.py', 'scripts/encoder-fixtures/bench_torch.py', 'scripts/encoder-fixtures/make_fixtures.py'];
/** The only package the bundles may import at run time (shipped in app/node_modules). */
const RUNTIME_PACKAGES = ['webgpu'];
const CACHE_DIR = join(ROOT, 'node_modules/.cache/opticspace-bench-bundle');

/**
 * A Vite plugin that replaces the left-out areas' modules in bench/areas.ts with a module whose
 * table says why they are not in the bundle (their imports would otherwise be bundled too).
 */
export function leaveOutAreas(leftOut = LEFT_OUT_AREAS): Plugin {
  const prefix = '\0bench-bundle-left-out:';
  return {
    name: 'opticspace:bench-bundle-left-out',
    enforce: 'pre',
    resolveId(source, importer) {
      const match = /^\.\/(\w+)\.bench$/.exec(source);
      if (match && importer?.endsWith('/bench/areas.ts') && match[1] in leftOut) return prefix + match[1];
      return null;
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const area = id.slice(prefix.length);
      const table = { title: `${area}: not in the bench bundle`, notes: [`${leftOut[area]}; run \`pnpm bench ${area}\` from a checkout.`], rows: [] };
      return `export default async () => [${JSON.stringify(table)}];`;
    },
  };
}

/** Bundles one entry (TypeScript, `@shaders/...wgsl?raw` imports) into a single ESM file for Node. */
export async function bundleEntry(entry: string, outFile: string, { leftOut = LEFT_OUT_AREAS } = {}): Promise<string> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    publicDir: false,
    resolve: { alias: shaderAlias },
    plugins: [leaveOutAreas(leftOut)],
    // Everything is bundled except Node's built-ins and Dawn (a native module, shipped beside).
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: resolve(ROOT, entry),
      outDir: dirname(outFile),
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      rolldownOptions: {
        external: RUNTIME_PACKAGES,
        output: { format: 'es', entryFileNames: basename(outFile), codeSplitting: false },
      },
    },
  });
  return outFile;
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * Packages the bundles may import lazily (`await import(name)`) without shipping them: the code
 * that needs them raises a typed error when they are missing, and no bench needs them.
 */
export const LAZY_LEFT_OUT: Record<string, string> = { '@napi-rs/canvas': 'text rendering and image decoding (CLI encode --image, compress-report)' };

/** Bare module specifiers a bundled file imports at run time (Node's built-ins left out), static and lazy. */
export function bundleImports(code: string): { static: string[]; lazy: string[] } {
  const find = (patterns: RegExp[]) => {
    const found = new Set<string>();
    for (const pattern of patterns) for (const [, specifier] of code.matchAll(pattern)) found.add(specifier);
    return [...found].filter((s) => !BUILTINS.has(s)).sort();
  };
  return {
    static: find([
      /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm, // import x from 'y' / export { x } from 'y'
      /^\s*import\s*["']([^"']+)["']/gm, // import 'y'
      /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g, // require('y')
    ]),
    lazy: find([/\bimport\s*\(\s*(?:\/\*[^*]*\*\/\s*)?["']([^"']+)["']\s*\)/g]), // import('y'), import(/* @vite-ignore */ 'y')
  };
}

/** Checks a bundle's text: every WGSL import inlined, no package imported that the bundle lacks. */
export function checkBundleText(file: string): void {
  const code = readFileSync(file, 'utf8');
  const problems = [];
  // An import left as a module specifier: the alias, or a quoted path ending in .wgsl (comments may name files).
  if (/["']@shaders\/|["'][^"'\s]+\.wgsl(\?raw)?["']/.test(code)) problems.push('a WGSL import was not inlined');
  const imports = bundleImports(code);
  const missing = [
    ...imports.static.filter((s) => !RUNTIME_PACKAGES.includes(s)),
    ...imports.lazy.filter((s) => !RUNTIME_PACKAGES.includes(s) && !(s in LAZY_LEFT_OUT)),
  ];
  if (missing.length) problems.push(`imports packages the bundle does not ship: ${missing.join(', ')}`);
  if (problems.length) throw new Error(`${relative(ROOT, file)}: ${problems.join('; ')}`);
}

/** xz -9 of `source` into the cache (keyed by its path, size and mtime); returns the cached file. */
function compressCached(source: string, name: string): string {
  const { size, mtimeMs } = statSync(source);
  const key = createHash('sha256').update(`${source}:${size}:${mtimeMs}`).digest('hex').slice(0, 16);
  const cached = join(CACHE_DIR, `${name}-${key}.xz`);
  if (existsSync(cached)) return cached;
  mkdirSync(CACHE_DIR, { recursive: true });
  console.log(`compressing ${source} (${(size / 2 ** 20).toFixed(1)} MiB) with xz -9 (about a minute per 100 MiB)`);
  const partial = `${cached}.partial`;
  const fd = openSync(partial, 'w');
  const result = spawnSync('xz', ['-9', '-T0', '-c', source], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  if (result.error || result.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`xz failed on ${source}: ${result.error?.message ?? `exit ${result.status}`} (install xz-utils)`);
  }
  renameSync(partial, cached);
  return cached;
}

/**
 * The Debian libvulkan1 package (amd64): the bookworm-backports version where apt has one, else
 * the release's. Cached; `apt-get download` needs the Debian mirror once.
 */
function vulkanLoaderDeb(): string {
  const dir = join(CACHE_DIR, 'debs');
  mkdirSync(dir, { recursive: true });
  const cachedDeb = () => readdirSync(dir).find((f) => /^libvulkan1_.*_amd64\.deb$/.test(f));
  if (!cachedDeb()) {
    for (const spec of ['libvulkan1:amd64/bookworm-backports', 'libvulkan1:amd64']) {
      const result = spawnSync('apt-get', ['download', spec], { cwd: dir, encoding: 'utf8' });
      if (result.status === 0 && cachedDeb()) break;
      console.log(`apt-get download ${spec}: ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`);
    }
  }
  const deb = cachedDeb();
  if (!deb) throw new Error("could not get libvulkan1's .deb with apt-get download (Debian mirror unreachable?); pass --no-vulkan-deb to build without it");
  return join(dir, deb);
}

function copyInto(outDir: string, path: string, source: string): string {
  const target = join(outDir, path);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  return target;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** Every file of the folder with its size and sha256, and the total. */
export interface BundleFile {
  path: string;
  bytes: number;
  sha256: string;
}

export function describeFiles(dir: string): { files: BundleFile[]; totalBytes: number } {
  const files = listFiles(dir).map((path) => {
    const bytes = readFileSync(join(dir, path));
    return { path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  return { files, totalBytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

/** Throws when the folder is over the limit, naming its largest files. */
export function checkBundleSize({ files, totalBytes }: { files: BundleFile[]; totalBytes: number }, limit = BUNDLE_LIMIT_BYTES): void {
  if (totalBytes <= limit) return;
  const largest = [...files].sort((a, b) => b.bytes - a.bytes).slice(0, 3).map((f) => `${f.path} ${(f.bytes / 2 ** 20).toFixed(1)} MiB`);
  throw new Error(`the bundle is ${(totalBytes / 2 ** 20).toFixed(1)} MiB, over the ${(limit / 2 ** 20).toFixed(0)} MiB limit (largest: ${largest.join(', ')})`);
}

function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  return head.stdout.trim() + (dirty ? '+uncommitted' : '');
}

export async function buildBundle({ outDir, vulkanDeb = true }: { outDir: string; vulkanDeb?: boolean }) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the bench bundle is linux-x64 only (this is ${process.platform}-${process.arch})`);
  const require = createRequire(join(ROOT, 'package.json'));
  const webgpuDir = dirname(require.resolve('webgpu/package.json'));
  const dawnBinary = join(webgpuDir, 'dist/linux-x64/dawn.node');

  rmSync(outDir, { recursive: true, force: true });
  const app = join(outDir, 'app');
  for (const [out, entry] of Object.entries(ENTRIES)) {
    console.log(`bundling ${entry} -> app/${out}`);
    checkBundleText(await bundleEntry(entry, join(app, out)));
  }
  for (const path of DATA_FILES) copyInto(app, path, join(ROOT, path));
  for (const file of ['index.js', 'package.json']) copyInto(app, `node_modules/webgpu/${file}`, join(webgpuDir, file));
  copyInto(outDir, 'node.xz', compressCached(process.execPath, 'node'));
  copyInto(outDir, 'dawn.node.xz', compressCached(dawnBinary, 'dawn.node'));
  const deb = vulkanDeb ? vulkanLoaderDeb() : null;
  if (deb) copyInto(outDir, `debs/${basename(deb)}`, deb);
  copyInto(outDir, 'run.sh', join(ROOT, 'scripts/bench-bundle/run.sh'));
  copyInto(outDir, 'README.md', join(ROOT, 'scripts/bench-bundle/README.md'));

  const contents = describeFiles(outDir);
  const manifest = {
    builtAt: new Date().toISOString(),
    commit: gitCommit(),
    platform: 'linux-x64',
    node: { version: process.version, source: process.execPath },
    webgpu: JSON.parse(readFileSync(join(webgpuDir, 'package.json'), 'utf8')).version,
    vulkanLoaderDeb: deb ? basename(deb) : null,
    areas: BUNDLED_AREAS,
    leftOutAreas: LEFT_OUT_AREAS,
    leftOutPackages: LAZY_LEFT_OUT,
    limitBytes: BUNDLE_LIMIT_BYTES,
    ...contents,
  };
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  checkBundleSize(contents);
  return manifest;
}

async function main() {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: join(ROOT, 'dist/bench-bundle') }, 'no-vulkan-deb': { type: 'boolean', default: false } },
  });
  const outDir = resolve(values.out);
  const manifest = await buildBundle({ outDir, vulkanDeb: !values['no-vulkan-deb'] });
  for (const f of manifest.files) console.log(`  ${(f.bytes / 2 ** 20).toFixed(2).padStart(7)} MiB  ${f.path}`);
  console.log(`wrote ${relative(process.cwd(), outDir) || '.'}: ${(manifest.totalBytes / 2 ** 20).toFixed(1)} MiB (limit ${BUNDLE_LIMIT_BYTES / 2 ** 20} MiB), Node ${manifest.node.version}, webgpu ${manifest.webgpu}, ${manifest.vulkanLoaderDeb ?? 'no Vulkan loader .deb'}`);
  console.log(`run it: bash ${relative(process.cwd(), join(outDir, 'run.sh'))} [--quick] --out RESULTS_DIR`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: Error) => {
    console.error(`bench:bundle: ${error.message}`);
    process.exit(1);
  });
}
