import crypto from 'node:crypto';
import type { ApiToken } from '../../domain/server-config.js';

/** Longest token accepted; longer input is refused before hashing. */
const MAX_TOKEN_LENGTH = 512;

/** Lowercase hex SHA-256 of a token: what `adp.config.json` stores under `server.tokens[].sha256`. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token (256 bits, base64url), for a server started without one. */
export function generateToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * Checks presented tokens against SHA-256 hashes. Every stored hash is
 * compared with `timingSafeEqual`, without stopping at a match, so the time
 * taken says nothing about which token (or how much of one) was right.
 */
export class TokenVerifier {
  readonly #hashes: readonly Buffer[];

  constructor(sha256Hex: readonly string[]) {
    this.#hashes = sha256Hex.map((h) => Buffer.from(h, 'hex'));
  }

  get size(): number {
    return this.#hashes.length;
  }

  verify(token: string | undefined): boolean {
    if (!token || token.length > MAX_TOKEN_LENGTH) return false;
    const presented = crypto.createHash('sha256').update(token, 'utf8').digest();
    let ok = false;
    for (const hash of this.#hashes) ok = crypto.timingSafeEqual(presented, hash) || ok;
    return ok;
  }
}

/** The tokens a server accepts, and the one (if known in clear) its login URL carries. */
export interface AuthSetup {
  readonly verifier: TokenVerifier;
  /** Present when the token is known in clear: from `ADP_API_TOKEN`, or generated here. */
  readonly loginToken?: string;
  readonly source: 'env' | 'config' | 'env+config' | 'generated';
}

/**
 * Tokens from `ADP_API_TOKEN` and the config's hashed list; with neither, a
 * fresh random token (printed once in the login URL, valid while the process
 * lives), so a server never starts open by accident.
 *
 * @example
 * const auth = resolveAuth({ env: process.env, tokens: project.config.server.tokens });
 */
export function resolveAuth(options: { env?: NodeJS.ProcessEnv; tokens?: readonly ApiToken[] } = {}): AuthSetup {
  const fromEnv = options.env?.ADP_API_TOKEN?.trim() || undefined;
  const hashes = (options.tokens ?? []).map((t) => t.sha256);
  if (fromEnv) {
    return { verifier: new TokenVerifier([hashToken(fromEnv), ...hashes]), loginToken: fromEnv, source: hashes.length ? 'env+config' : 'env' };
  }
  if (hashes.length > 0) return { verifier: new TokenVerifier(hashes), source: 'config' };
  const generated = generateToken();
  return { verifier: new TokenVerifier([hashToken(generated)]), loginToken: generated, source: 'generated' };
}
