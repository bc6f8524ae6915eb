import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { errorBody } from '../http-errors.js';
import type { ApiEnv } from '../routes/route-kit.js';
import type { SessionSigner } from './sessions.js';
import type { TokenVerifier } from './tokens.js';

export interface GuardOptions {
  readonly verifier: TokenVerifier;
  readonly sessions: SessionSigner;
  readonly cookieName: string;
  /** False lets GET and HEAD through without credentials. */
  readonly authenticateReads: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** `Authorization: Bearer X` → X; undefined without the header; '' for another scheme. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return m ? m[1] : '';
}

/** A cookie-authenticated change must come from a page of this server (defence in depth beside SameSite=Strict). */
export function sameOrigin(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  const url = new URL(c.req.url);
  return origin === url.origin;
}

function unauthorized(c: Context, message: string): Response {
  c.header('WWW-Authenticate', 'Bearer realm="adp"');
  return c.json(errorBody(401, message), 401);
}

/**
 * Lets a request through with a valid bearer token, or with the session
 * cookie of a browser that logged in; anything else is 401. A bearer header
 * that is present but wrong is refused even if a cookie would pass, so a
 * client never mistakes a bad token for a good one.
 */
export function authGuard(options: GuardOptions): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const bearer = bearerToken(c.req.header('authorization'));
    if (bearer !== undefined) {
      if (!options.verifier.verify(bearer)) return unauthorized(c, 'the bearer token is not valid');
      c.set('authVia', 'bearer');
      return next();
    }
    if (options.sessions.verify(getCookie(c, options.cookieName))) {
      if (!SAFE_METHODS.has(c.req.method) && !sameOrigin(c)) {
        return c.json(errorBody(403, 'cross-site request refused'), 403);
      }
      c.set('authVia', 'cookie');
      return next();
    }
    if (!options.authenticateReads && SAFE_METHODS.has(c.req.method)) {
      c.set('authVia', 'open');
      return next();
    }
    return unauthorized(c, 'a token is required: send `Authorization: Bearer TOKEN` or log in through the URL `adp serve` printed');
  };
}
