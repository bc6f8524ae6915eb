import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a signed webhook delivery. */
export const SIGNATURE_HEADER = 'x-adp-signature';
export const TIMESTAMP_HEADER = 'x-adp-timestamp';

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the route's
 * secret: the receiver recomputes it over the raw body and the
 * `X-Adp-Timestamp` header, and may refuse old timestamps (replays).
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: true when `signature` matches (constant-time comparison). */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
