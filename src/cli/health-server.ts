import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpListener, ServeContext } from './serve-http.js';

/**
 * The smallest HTTP side of `adp serve`: `GET /healthz` answers the server's
 * health as JSON; everything else is 404.
 */
export async function startHealthServer(ctx: ServeContext): Promise<HttpListener> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const health = ctx.health();
      return send(health.status === 'ok' ? 200 : 503, health);
    }
    send(404, { error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${path}` } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ctx.port, ctx.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = ctx.host.includes(':') ? `[${ctx.host}]` : ctx.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
