import { AdpError } from '../errors.js';

/**
 * A destination refused or failed a delivery. `retryable` is true only for
 * what can heal by itself (network errors, timeouts, 408/429/5xx, SMTP 4xx);
 * anything else goes straight to the dead-letter list.
 */
export class DeliveryError extends AdpError {
  readonly code = 'DELIVERY_FAILED';
  override readonly retryable: boolean;
  /** The destination asked to wait this long (Retry-After). */
  readonly retryAfterMs?: number;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** HTTP statuses worth retrying: timeouts, throttling, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Network-level failures (refused, reset, DNS, socket timeouts): the destination may be back later. */
export function isNetworkError(error: unknown, depth = 0): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return depth < 5 && cause !== undefined && isNetworkError(cause, depth + 1);
}

/** Whether a failed delivery may succeed later: a retryable DeliveryError or a network failure. */
export function isRetryableDelivery(error: unknown): boolean {
  if (error instanceof DeliveryError) return error.retryable;
  return isNetworkError(error);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);

/** `Retry-After` as milliseconds (seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
