import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { authGuard } from './auth/guard.js';
import { registerLogin } from './auth/login.js';
import { SessionSigner } from './auth/sessions.js';
import { errorBody, toErrorResponse } from './http-errors.js';
import { createMetrics, type AdpMetrics } from './metrics/metrics.js';
import type { ApiAppOptions } from './options.js';
import { registerBackfillRoutes } from './routes/backfills.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerCurationRoutes } from './routes/curations.js';
import { registerHistoryRoutes } from './routes/history.js';
import type { ApiApp, ApiContext, ApiEnv } from './routes/route-kit.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerScriptRoutes } from './routes/scripts.js';
import { securityHeaders } from './security-headers.js';
import { validationHook } from './validation-hook.js';
import { defaultWebRoot, registerWebAssets } from './web-assets.js';

export const API_PREFIX = '/api/v1';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ApiAppHandle {
  /** The Hono app: `app.fetch` serves requests (Node, Lambda, tests). */
  readonly app: ApiApp;
  readonly metrics: AdpMetrics;
}

/**
 * The HTTP interface of adp as a Hono app: the API under `/api/v1` (OpenAPI
 * at `/api/v1/openapi.json`), `/healthz`, `/metrics`, browser login and the
 * dashboard. Runs it creates are queued in the state store and handed to
 * `options.launcher`. No I/O happens until a request comes in.
 *
 * @example
 * const { app } = createApiApp({ ports: project, auth: { verifier }, launcher });
 * const res = await app.request('/api/v1/curations', { headers: { authorization: `Bearer ${token}` } });
 */
export function createApiApp(options: ApiAppOptions): ApiAppHandle {
  const { ports, launcher } = options;
  const cookieName = options.auth.cookieName ?? 'adp_session';
  const sessions = new SessionSigner();
  const metrics = createMetrics(ports.state, ports.clock.now());
  const onInternalError =
    options.onInternalError ?? ((e: unknown) => process.stderr.write(`adp serve: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));

  const app: ApiApp = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook() });
  app.use('*', securityHeaders());
  app.use('*', bodyLimit({ maxSize: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT, onError: (c) => c.json(errorBody(413, 'request body too large'), 413, { Connection: 'close' }) }));
  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500 && !(error instanceof HTTPException)) onInternalError(error);
    return c.json(body, status);
  });
  app.notFound((c) => c.json(errorBody(404, `no route for ${c.req.method} ${c.req.path}`), 404));

  const guard = (authenticateReads: boolean) => authGuard({ verifier: options.auth.verifier, sessions, cookieName, authenticateReads });
  const apiGuard = guard(options.auth.authenticateReads ?? true);
  // The OpenAPI document holds no data: the API reference page and code generators read it without a token.
  app.use(`${API_PREFIX}/*`, (c, next) => (c.req.path === `${API_PREFIX}/openapi.json` && (c.req.method === 'GET' || c.req.method === 'HEAD') ? next() : apiGuard(c, next)));
  if (options.auth.openHealthz === false) app.use('/healthz', guard(true));
  if (options.auth.openMetrics === false) app.use('/metrics', guard(true));

  app.get('/healthz', async (c) => {
    await ports.state.listActiveRuns();
    const health = options.health?.() ?? { status: 'ok' };
    return c.json(health, health.status === 'ok' ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { contentType, body } = await metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType });
  });

  const api: ApiApp = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook() });
  const context: ApiContext = { ports, launcher, nextDue: options.nextDue, schedule: options.schedule };
  registerCurationRoutes(api, context);
  registerRunRoutes(api, context);
  registerBackfillRoutes(api, context);
  registerHistoryRoutes(api, context);
  registerScriptRoutes(api, context);
  registerCatalogRoutes(api, context);
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'adp API',
      version: '1',
      description: 'Scheduled SQL curations: definitions, runs, history, schedules and the catalog.',
    },
    servers: [{ url: API_PREFIX }],
    security: [{ bearerAuth: [] }],
  });
  app.route(API_PREFIX, api);

  registerLogin(app, { verifier: options.auth.verifier, sessions, cookieName });
  const webRoot = options.webRoot === undefined ? defaultWebRoot() : options.webRoot;
  if (webRoot) registerWebAssets(app, webRoot);
  return { app, metrics };
}
