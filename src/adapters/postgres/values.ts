import { ValidationError } from '../../domain/errors.js';

/**
 * JSON text for a jsonb parameter. Fields that are undefined are left out
 * (as JSON.stringify does); U+0000, which jsonb cannot hold, becomes U+FFFD,
 * so a record with a NUL in an error message is still written.
 */
export function json(value: unknown): string {
  const out = JSON.stringify(value);
  // Rare: only then pay for a replacer over every value.
  return out.includes('\\u0000') ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? text(v) : v)) : out;
}

/** Text for a text column: U+0000, which PostgreSQL text cannot hold, becomes U+FFFD. */
export function text(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value;
}

/**
 * An instant given as ISO-8601 text, normalised to `Date.toISOString()` form
 * for a timestamptz parameter.
 *
 * @throws ValidationError naming `field` when it is not an instant.
 */
export function instant(value: string, field: string, subject: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError([{ path: field, message: `must be an ISO-8601 instant (got '${value}')` }], subject);
  return new Date(ms).toISOString();
}

/** A timestamptz column as the port writes instants: `Date.toISOString()` form. */
export function iso(value: Date): string {
  return value.toISOString();
}
