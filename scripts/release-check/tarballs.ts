/**
 * The tarballs a release publishes: every published package built (when stale) and packed by
 * `pnpm pack` (which applies `publishConfig` and turns `workspace:*` into the sibling's
 * version), then unpacked beside them for inspection.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildPackages, publishedPackages, ROOT } from '../build-packages';

export interface Tarball {
  name: string;
  version: string;
  /** The .tgz file. */
  file: string;
  packedBytes: number;
  /** The unpacked `package/` folder. */
  unpacked: string;
  /** Paths inside the package (relative to `package/`) with their sizes. */
  files: Array<{ path: string; bytes: number }>;
  /** The published package.json. */
  manifest: Record<string, unknown> & { name: string; version: string };
}

function listFiles(directory: string, root = directory): Array<{ path: string; bytes: number }> {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? listFiles(path, root) : [{ path: relative(root, path), bytes: statSync(path).size }];
  });
}

/** Builds what is stale, packs every published package into `outDir` and unpacks each beside it. */
export async function packPublishedPackages(outDir: string): Promise<Tarball[]> {
  await buildPackages({ stale: true });
  mkdirSync(outDir, { recursive: true });
  const pnpm = join(ROOT, 'node_modules/.bin/pnpm');
  return publishedPackages().map(({ name, directory }) => {
    const output = execFileSync(pnpm, ['pack', '--pack-destination', outDir], { cwd: directory, encoding: 'utf8' });
    const file = output.trim().split('\n').pop()!.trim();
    const unpacked = join(outDir, 'unpacked', name);
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['xzf', file, '-C', unpacked]);
    const root = join(unpacked, 'package');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Tarball['manifest'];
    return { name, version: manifest.version, file, packedBytes: statSync(file).size, unpacked: root, files: listFiles(root), manifest };
  });
}

/** What every published manifest must carry (and must not). */
export const REQUIRED_FIELDS = ['name', 'version', 'description', 'keywords', 'homepage', 'bugs', 'repository', 'license', 'engines', 'exports', 'types', 'files'];
export const FORBIDDEN_FIELDS = ['scripts', 'devDependencies', 'publishConfig', 'private'];

/** Problems with one tarball's contents and manifest (empty when it is fit to publish). */
export function tarballProblems(tarball: Tarball, siblings: Tarball[]): string[] {
  const problems: string[] = [];
  const paths = tarball.files.map((file) => file.path);
  for (const required of ['package.json', 'LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts']) {
    if (!paths.includes(required)) problems.push(`no ${required}`);
  }
  const stray = paths.filter((path) => !/^(package\.json|LICENSE|README\.md)$/.test(path) && !/^dist\/.*\.(js|d\.ts)$/.test(path));
  if (stray.length) problems.push(`files outside dist/*.js|*.d.ts: ${stray.join(', ')}`);
  const mapped = paths.filter((path) => path.endsWith('.map'));
  if (mapped.length) problems.push(`source maps: ${mapped.join(', ')}`);
  for (const field of REQUIRED_FIELDS) if (tarball.manifest[field] === undefined) problems.push(`package.json has no "${field}"`);
  for (const field of FORBIDDEN_FIELDS) if (tarball.manifest[field] !== undefined) problems.push(`package.json publishes "${field}"`);
  // Every `workspace:` dependency became the version of a sibling tarball, so they install together.
  const dependencies = (tarball.manifest.dependencies ?? {}) as Record<string, string>;
  for (const [dependency, range] of Object.entries(dependencies)) {
    const sibling = siblings.find((other) => other.name === dependency);
    if (range.startsWith('workspace:')) problems.push(`dependency ${dependency}@${range} was not resolved`);
    else if (dependency.startsWith('@opticspace/') && sibling?.version !== range) problems.push(`dependency ${dependency}@${range} is not the packed ${sibling?.version ?? 'nothing'}`);
  }
  for (const path of paths.filter((file) => file.endsWith('.d.ts'))) {
    const text = readFileSync(join(tarball.unpacked, path), 'utf8');
    if (/\?raw|\/src\//.test(text)) problems.push(`${path} imports a shader or a source path`);
  }
  return problems;
}
