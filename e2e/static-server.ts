import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml' };

export interface StaticSite {
  server: Server;
  url: string;
  /** Every path served so far (relative to the root, in request order). */
  served: string[];
  close(): Promise<void>;
}

/** A static file server for a folder, on a free port of 127.0.0.1: what `python -m http.server` would do. */
export function serveStatic(folder: string): Promise<StaticSite> {
  const root = folder.endsWith(sep) ? folder : folder + sep;
  const served: string[] = [];
  const server = createServer((request, response) => {
    const path = normalize(join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end('not found');
      return;
    }
    served.push(path.slice(root.length));
    response.writeHead(200, { 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({
        server,
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
        served,
        close: () => new Promise((closed) => server.close(() => closed())),
      }),
    ),
  );
}
