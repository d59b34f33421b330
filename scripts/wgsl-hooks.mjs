// Node module hooks so that `import src from './x.wgsl?raw'` works outside Vite (CLI, bench),
// exactly as Vite resolves it in the browser, in Vitest and in the package build.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  const { pathname } = new URL(url);
  if (url.startsWith('file:') && pathname.endsWith('.wgsl')) {
    const source = await readFile(new URL(url.split('?')[0]), 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(source)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
