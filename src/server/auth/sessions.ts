import crypto from 'node:crypto';

/** How long a browser stays logged in. */
export const SESSION_SECONDS = 7 * 24 * 3600;

/**
 * Stateless browser sessions: the cookie is `expiry.signature`, signed with a
 * key that lives only in this process. The API token itself never goes into
 * a cookie, and restarting the server logs every browser out.
 */
export class SessionSigner {
  readonly #key: Buffer;
  readonly #now: () => number;

  constructor(options: { key?: Buffer; now?: () => number } = {}) {
    this.#key = options.key ?? crypto.randomBytes(32);
    this.#now = options.now ?? Date.now;
  }

  issue(): string {
    const expires = String(this.#now() + SESSION_SECONDS * 1000);
    return `${expires}.${this.#sign(expires)}`;
  }

  verify(value: string | undefined): boolean {
    if (!value || value.length > 200) return false;
    const dot = value.indexOf('.');
    if (dot < 1) return false;
    const expires = value.slice(0, dot);
    if (!/^\d{1,16}$/.test(expires) || Number(expires) <= this.#now()) return false;
    const given = Buffer.from(value.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.#sign(expires), 'base64url');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  #sign(expires: string): string {
    return crypto.createHmac('sha256', this.#key).update(`adp-session:${expires}`).digest('base64url');
  }
}
