import { DeliveryError, isNetworkError, isRetryableStatus, parseRetryAfter } from '../../domain/notify/delivery-error.js';

/** Options of {@link postJson}. */
export interface PostOptions {
  readonly headers?: Record<string, string>;
  readonly timeoutMs: number;
  /** Names the destination in error messages ("webhook https://…"). */
  readonly what: string;
}

/**
 * POSTs a JSON body and resolves with the response text on 2xx. Failures are
 * {@link DeliveryError}s, retryable for network errors, timeouts, 408/425/429
 * and 5xx (with the server's Retry-After), permanent otherwise.
 */
export async function postJson(url: string, body: string, options: PostOptions): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'adp-notifier', ...options.headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new DeliveryError(`${options.what}: no answer within ${options.timeoutMs / 1000} s`, { retryable: true, cause: error });
    }
    const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new DeliveryError(`${options.what}: ${reason}`, { retryable: isNetworkError(error), cause: error });
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return text;
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  throw new DeliveryError(`${options.what} answered HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`, {
    retryable: isRetryableStatus(response.status),
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
  });
}

/** Seconds from a destination's config to milliseconds, with a default. */
export function timeoutMs(seconds: number | undefined, fallbackSeconds = 10): number {
  return Math.round((seconds ?? fallbackSeconds) * 1000);
}
