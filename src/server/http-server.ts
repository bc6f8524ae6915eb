import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApiApp, type ApiAppHandle } from './app.js';
import type { ApiAppOptions, AuthOptions } from './options.js';

export interface HttpServerOptions extends Omit<ApiAppOptions, 'auth'> {
  readonly auth: AuthOptions & {
    /** The token in clear, when known: the login URL carries it (`resolveAuth` gives it). */
    readonly loginToken?: string;
  };
  /** Default 127.0.0.1: reachable from this machine only. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** A client must send its request headers within this (default 10 s), or its connection is closed. */
  readonly headersTimeoutMs?: number;
  /** A client must send its whole request within this (default 60 s). */
  readonly requestTimeoutMs?: number;
}

export interface RunningServer {
  /** `http://HOST:PORT`, without a trailing slash. */
  readonly url: string;
  /** `url/?token=…` when the token is known in clear; opening it logs a browser in. */
  readonly loginUrl?: string;
  readonly metrics: ApiAppHandle['metrics'];
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

/**
 * Starts the API and dashboard on `host:port` and resolves once it listens.
 *
 * @example
 * const server = await startHttpServer({ ports: project, auth: resolveAuth({ env: process.env }), launcher, port: 0 });
 * console.log(server.loginUrl);
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  let handle: ApiAppHandle | undefined;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({
      fetch: (req, env) => (handle ? handle.app.fetch(req, env) : new Response('starting', { status: 503 })),
      hostname: host,
      port: options.port ?? 8080,
      // Slow clients (a trickle of header bytes) must not hold connections open for Node's default minutes.
      serverOptions: {
        headersTimeout: options.headersTimeoutMs ?? 10_000,
        requestTimeout: options.requestTimeoutMs ?? 60_000,
        connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs ?? 1_000),
      },
    }) as Server;
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  // Cookies ignore ports: name the session after the port so two servers on one host keep theirs apart.
  handle = createApiApp({ ...options, auth: { ...options.auth, cookieName: options.auth.cookieName ?? `adp_session_${port}` } });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const loginUrl = options.auth.loginToken ? `${url}/?token=${encodeURIComponent(options.auth.loginToken)}` : undefined;
  return {
    url,
    loginUrl,
    metrics: handle.metrics,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
