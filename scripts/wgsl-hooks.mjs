// Node module hooks so that `import src from '@shaders/x/y.wgsl?raw'` works outside Vite (CLI,
// bench), exactly as Vite resolves it in the browser, in Vitest and in the package build.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { SHADER_ALIAS, shadersDir } from './shader-alias.mjs';

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith(`${SHADER_ALIAS}/`)) {
    const [path, query] = specifier.slice(SHADER_ALIAS.length + 1).split('?');
    const url = pathToFileURL(join(shadersDir, path)).href + (query ? `?${query}` : '');
    return { url, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  const { pathname } = new URL(url);
  if (url.startsWith('file:') && pathname.endsWith('.wgsl')) {
    const source = await readFile(new URL(url.split('?')[0]), 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(source)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
