import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Serves a file of the built renderer. Returns false when no such file exists
 * under `rootDir`; paths that climb out of it are treated as missing.
 */
export function serveStaticFile(rootDir: string, urlPath: string, response: ServerResponse): boolean {
  const relative = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
  const filePath = normalize(join(rootDir, relative));
  if (!filePath.startsWith(normalize(rootDir) + sep)) return false;

  const stats = statSync(filePath, { throwIfNoEntry: false });
  if (!stats?.isFile()) return false;

  response.writeHead(200, {
    'Content-Type': contentTypes[extname(filePath)] ?? 'application/octet-stream',
    'Content-Length': stats.size,
    'Cache-Control': 'no-cache',
  });
  createReadStream(filePath).pipe(response);
  return true;
}
