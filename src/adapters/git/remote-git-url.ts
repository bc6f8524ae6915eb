import { ValidationError } from '../../domain/errors.js';
import { sha256Hex } from '../../domain/sha256.js';

/** How to log in to a git remote: a token (sent as the password of `x-access-token` unless a username is given), or a username and password. */
export type RemoteGitAuth =
  | { readonly token: string; readonly username?: string }
  | { readonly username: string; readonly password: string };

/** A remote URL split into the part that may be shown and the credentials that must not. */
export interface RemoteGitTarget {
  /** The URL without user name or password: safe in messages, logs and the clone's config. */
  readonly url: string;
  readonly credentials?: { readonly username: string; readonly password: string };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Validates a remote URL: `https://`, or `http://` to this machine only (a
 * token must never cross a network in clear text). Credentials written in
 * the URL are taken out; `auth`, when given, wins over them.
 *
 * @example
 * parseRemoteUrl('https://x:tok@git.example.com/team/scripts.git').url // 'https://git.example.com/team/scripts.git'
 */
export function parseRemoteUrl(raw: string, auth?: RemoteGitAuth): RemoteGitTarget {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ValidationError([{ path: 'url', message: 'must be an https:// URL of a git repository' }]);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    throw new ValidationError([{ path: 'url', message: `must be an https:// URL (http:// only to 127.0.0.1 or localhost), not ${u.protocol}//${u.host}` }]);
  }
  const fromUrl = u.username ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : undefined;
  u.username = '';
  u.password = '';
  u.hash = '';
  const credentials = auth ? authCredentials(auth) : fromUrl;
  return credentials ? { url: u.href, credentials } : { url: u.href };
}

/** The HTTP Basic `Authorization` value for these credentials. */
export function basicAuthorization(credentials: { readonly username: string; readonly password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/** The cached clone's folder name for a remote: readable, and distinct per URL (`scripts-1a2b3c4d5e6f.git`). */
export function cloneFolderName(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? 'repository';
  const readable = last.replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'repository';
  return `${readable}-${sha256Hex(url).slice(0, 12)}.git`;
}

function authCredentials(auth: RemoteGitAuth): { username: string; password: string } {
  if ('token' in auth) {
    if (!auth.token) throw new ValidationError([{ path: 'auth.token', message: 'must not be empty' }]);
    return { username: auth.username || 'x-access-token', password: auth.token };
  }
  if (!auth.username) throw new ValidationError([{ path: 'auth.username', message: 'must not be empty' }]);
  return { username: auth.username, password: auth.password };
}
