import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiApp } from './routes/route-kit.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.json': 'application/json',
};

interface Asset {
  readonly body: Uint8Array;
  readonly type: string;
  readonly etag: string;
}

/**
 * Where the built dashboard is: `dist/web` beside the compiled server, or
 * the repository's `dist/web` when the server runs from its TypeScript sources
 * (tests). Undefined if it was never built.
 */
export function defaultWebRoot(): string | undefined {
  // Up from this module, wherever it runs from: dist/server (tsc), dist/cli/chunks (the CLI bundle) or src/server (tests).
  // A built dashboard has app.js beside index.html; the sources in src/web do not.
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'web'), path.join(dir, 'dist', 'web')]) {
      if (fs.existsSync(path.join(candidate, 'app.js')) && fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Reads every file of the built dashboard once; they are small and never change while the server runs. */
function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (TYPES[path.extname(entry.name)]) {
        const body = fs.readFileSync(full);
        const etag = `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
        assets.set(`/${path.relative(root, full).split(path.sep).join('/')}`, { body, type: TYPES[path.extname(entry.name)]!, etag });
      }
    }
  };
  walk(root);
  return assets;
}

/**
 * Serves the dashboard: `/` is its page, `/assets/…` its files. Revalidated
 * by ETag on every load, so a new build shows at once.
 */
export function registerWebAssets(app: ApiApp, root: string): void {
  const assets = loadAssets(root);
  const send = (asset: Asset | undefined, ifNoneMatch: string | undefined): Response | undefined => {
    if (!asset) return undefined;
    const headers = { 'Content-Type': asset.type, ETag: asset.etag, 'Cache-Control': 'no-cache' };
    if (ifNoneMatch === asset.etag) return new Response(null, { status: 304, headers });
    return new Response(asset.body, { status: 200, headers });
  };
  app.get('/', (c) => send(assets.get('/index.html'), c.req.header('if-none-match')) ?? c.notFound());
  app.get('/assets/*', (c) => send(assets.get(c.req.path.slice('/assets'.length)), c.req.header('if-none-match')) ?? c.notFound());
}
