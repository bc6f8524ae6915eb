import { DeliveryError, isNetworkError, isRetryableStatus, parseRetryAfter } from '../../domain/notify/delivery-error.js';

interface ClientError {
  name?: string;
  message?: string;
  statusCode?: number;
  meta?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/** The HTTP status of a client error, when the server answered. */
export function statusOf(error: unknown): number | undefined {
  const e = error as ClientError;
  return e.statusCode ?? e.meta?.statusCode ?? undefined;
}

/**
 * A client failure as a {@link DeliveryError}: no connection, timeouts,
 * 429 and 5xx are retried; 401/403 (credentials) and other 4xx are not.
 */
export function openSearchDeliveryError(what: string, error: unknown): DeliveryError {
  const e = error as ClientError;
  const status = statusOf(error);
  const transport = e.name === 'ConnectionError' || e.name === 'TimeoutError' || e.name === 'NoLivingConnectionsError';
  const retryable = status !== undefined ? isRetryableStatus(status) : transport || isNetworkError(error);
  const detail = (e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 300);
  return new DeliveryError(`${what}: ${status !== undefined ? `HTTP ${status}: ` : ''}${detail}`, {
    retryable,
    retryAfterMs: parseRetryAfter(e.meta?.headers?.['retry-after'], Date.now()),
    cause: error,
  });
}
