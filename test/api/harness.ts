import { openProject } from '../../src/drivers/open-project.js';
import type { Project } from '../../src/drivers/project.js';
import { homeLayout } from '../../src/drivers/common/home.js';
import { BackgroundLauncher } from '../../src/server/background-launcher.js';
import { hashToken, TokenVerifier } from '../../src/server/auth/tokens.js';
import { startHttpServer, type HttpServerOptions, type RunningServer } from '../../src/server/http-server.js';
import { cleanup, exampleHome } from '../helpers/cli.js';
import { sampleDefinition } from '../helpers/definitions.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface TestServer {
  readonly home: string;
  readonly project: Project;
  readonly launcher: BackgroundLauncher;
  readonly server: RunningServer;
  /** Errors the server answered with a 500; tests expect none. */
  readonly internalErrors: unknown[];
  /** fetch against the server with the bearer token (unless `auth: false`). */
  api(path: string, init?: RequestInit & { auth?: string | false }): Promise<Response>;
  /** JSON body of a successful call; fails the test on another status. */
  json<T = any>(path: string, init?: RequestInit & { expect?: number }): Promise<T>;
  close(): Promise<void>;
}

/** The wildrydes example home served over HTTP on 127.0.0.1, runs executed in the background. */
export async function startTestServer(
  options: { rows?: number; home?: string; server?: Partial<HttpServerOptions>; auth?: Partial<HttpServerOptions['auth']> } = {},
): Promise<TestServer> {
  const home = options.home ?? (await exampleHome(options.rows ?? 50));
  const project = await openProject(homeLayout(home));
  const deps = await project.deps();
  const internalErrors: unknown[] = [];
  const launcher = new BackgroundLauncher({ ...deps, settings: { ...deps.settings, retry: { maxAttempts: 2, intervalMs: 5, backoffRate: 1 } } });
  const server = await startHttpServer({
    ports: project,
    auth: { verifier: new TokenVerifier([hashToken(TOKEN)]), loginToken: TOKEN, ...options.auth },
    launcher,
    schedule: project.scheduling,
    port: 0,
    webRoot: false,
    onInternalError: (e) => internalErrors.push(e),
    ...options.server,
  });
  const api = (path: string, init: RequestInit & { auth?: string | false } = {}) => {
    const { auth = TOKEN, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth !== false) headers.set('authorization', `Bearer ${auth}`);
    if (typeof rest.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${server.url}${path}`, { ...rest, headers, redirect: 'manual' });
  };
  return {
    home,
    project,
    launcher,
    server,
    internalErrors,
    api,
    async json(path, init = {}) {
      const { expect: status = 200, ...rest } = init;
      const res = await api(path, rest);
      const text = await res.text();
      if (res.status !== status) throw new Error(`${rest.method ?? 'GET'} ${path}: expected ${status}, got ${res.status}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async close() {
      await server.close();
      await launcher.idle();
      await project.close();
      if (!options.home) cleanup(home);
    },
  };
}

/** Polls a run until it has a history record. */
export async function waitForRecord(t: TestServer, name: string, timeoutMs = 15_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await t.json(`/api/v1/runs/${name}`);
    if (run.record) return run;
    if (Date.now() > until) throw new Error(`run ${name} did not end: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Puts the sample's definition as `type`, running `sqlFilePath`, its output
 * named after the type with `outputDetails` (and `athenaDetails`) merged in;
 * starts a run over the API and returns its record once it ended.
 */
export async function putAndRun(
  t: TestServer,
  type: string,
  patch: { sqlFilePath: string; outputDetails?: Record<string, unknown>; athenaDetails?: Record<string, unknown> },
  timeoutMs?: number,
): Promise<any> {
  const sample = sampleDefinition();
  const def = {
    ...sample,
    curationType: type,
    sqlFilePath: patch.sqlFilePath,
    athenaDetails: { ...sample.athenaDetails, ...patch.athenaDetails },
    outputDetails: { ...sample.outputDetails, filename: type, ...patch.outputDetails },
  };
  await t.json(`/api/v1/curations/${type}`, { method: 'PUT', body: JSON.stringify(def), expect: 201 });
  const res = await t.json(`/api/v1/curations/${type}/runs`, { method: 'POST', body: '{}', expect: 202 });
  return (await waitForRecord(t, res.curationExecutionName, timeoutMs)).record;
}

/** A response's JSON body, untyped (tests read whatever fields they check). */
export async function bodyOf(res: Response): Promise<any> {
  return res.json();
}
