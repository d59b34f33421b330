import { createServer, type ViteDevServer } from 'vite';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

let server: ViteDevServer | undefined;

/** Starts the demo's Vite dev server on a free port and hands its URL to the tests. */
export async function setup(project: TestProject): Promise<void> {
  server = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    // No file watching: edits elsewhere in the tree must not reload pages mid-test.
    server: { port: 0, host: '127.0.0.1', strictPort: false, watch: null, hmr: false },
    logLevel: 'warn',
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('Vite dev server did not report a URL');
  project.provide('baseUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
