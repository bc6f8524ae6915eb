import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { errorBody } from '../http-errors.js';
import type { ApiApp } from '../routes/route-kit.js';
import { sameOrigin } from './guard.js';
import { SESSION_SECONDS, type SessionSigner } from './sessions.js';
import type { TokenVerifier } from './tokens.js';

export interface LoginOptions {
  readonly verifier: TokenVerifier;
  readonly sessions: SessionSigner;
  readonly cookieName: string;
}

/** The same URL without `token`, for the redirect after login (the token must not stay in the address bar or history). */
function withoutToken(url: URL, extra?: [string, string]): string {
  const params = new URLSearchParams(url.search);
  params.delete('token');
  if (extra) params.set(extra[0], extra[1]);
  const query = params.toString();
  return `${url.pathname}${query ? `?${query}` : ''}`;
}

function startSession(c: Context, options: LoginOptions): void {
  setCookie(c, options.cookieName, options.sessions.issue(), {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_SECONDS,
    secure: new URL(c.req.url).protocol === 'https:',
  });
}

/**
 * Browser login, Jupyter-style: visiting `/?token=…` with a valid token sets
 * an HttpOnly, SameSite=Strict session cookie and redirects to the same page
 * without the token; `POST /login` does the same from the dashboard's form.
 * A wrong token redirects to `/?login=failed`.
 */
export function registerLogin(app: ApiApp, options: LoginOptions): void {
  app.use('/', async (c, next) => {
    const token = c.req.query('token');
    if (token === undefined || c.req.method !== 'GET') return next();
    const url = new URL(c.req.url);
    c.header('Cache-Control', 'no-store');
    if (!options.verifier.verify(token)) return c.redirect(withoutToken(url, ['login', 'failed']), 303);
    startSession(c, options);
    return c.redirect(withoutToken(url), 303);
  });

  app.post('/login', async (c) => {
    if (!sameOrigin(c)) return c.json(errorBody(403, 'cross-site request refused'), 403);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === 'string' ? form.token.trim() : undefined;
    c.header('Cache-Control', 'no-store');
    if (!options.verifier.verify(token)) return c.redirect('/?login=failed', 303);
    startSession(c, options);
    return c.redirect('/', 303);
  });

  app.post('/logout', (c) => {
    if (!sameOrigin(c)) return c.json(errorBody(403, 'cross-site request refused'), 403);
    deleteCookie(c, options.cookieName, { path: '/' });
    return c.redirect('/', 303);
  });
}
