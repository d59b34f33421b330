// `pnpm build`: builds every published package (packages/* that are not `private`) into its
// dist/ with build.config.ts, in dependency order. The packages carry no build script of their
// own, so none ends up in a published manifest.
//   pnpm build                                          build all
//   node scripts/run-ts.mjs scripts/build-packages.ts --stale   only those whose dist/ is older than their inputs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface PublishedPackage {
  name: string;
  directory: string;
  manifest: { name: string; version: string; private?: boolean; dependencies?: Record<string, string> } & Record<string, unknown>;
}

/** The published packages, each after the siblings it depends on. */
export function publishedPackages(): PublishedPackage[] {
  const all = readdirSync(join(ROOT, 'packages'))
    .map((folder) => join(ROOT, 'packages', folder))
    .filter((directory) => existsSync(join(directory, 'package.json')))
    .map((directory) => ({ directory, manifest: JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PublishedPackage['manifest'] }))
    .filter(({ manifest }) => !manifest.private)
    .map((entry) => ({ name: entry.manifest.name, ...entry }));
  const ordered: PublishedPackage[] = [];
  const visit = (entry: PublishedPackage) => {
    if (ordered.includes(entry)) return;
    for (const dependency of Object.keys(entry.manifest.dependencies ?? {})) {
      const sibling = all.find((other) => other.name === dependency);
      if (sibling) visit(sibling);
    }
    ordered.push(entry);
  };
  all.sort((a, b) => a.name.localeCompare(b.name)).forEach(visit);
  return ordered;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** The build's own inputs besides a package's folder: a change to any rebuilds every package. */
const SHARED_INPUTS = ['shaders', 'build.config.ts', 'scripts/standalone-types.ts'];

/**
 * Builds the published packages (all, or with `stale: true` only those whose dist/ is older than
 * their src/, package.json, the shaders or the build config, and every one after a rebuilt
 * sibling). Returns the names built.
 */
export async function buildPackages({ stale = false } = {}): Promise<string[]> {
  const { build } = await import('vite');
  const shared = Math.max(...SHARED_INPUTS.map((path) => newestMtime(join(ROOT, path))));
  const built: string[] = [];
  for (const { name, directory } of publishedPackages()) {
    if (stale && built.length === 0) {
      const output = join(directory, 'dist/index.js');
      const inputs = Math.max(shared, newestMtime(join(directory, 'src')), newestMtime(join(directory, 'package.json')));
      if (existsSync(output) && statSync(output).mtimeMs >= inputs) continue;
    }
    await build({ configFile: join(directory, 'vite.config.ts'), logLevel: 'warn' });
    built.push(name);
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = await buildPackages({ stale: process.argv.includes('--stale') });
  console.log(built.length ? `built ${built.join(', ')}` : 'all packages up to date');
}
