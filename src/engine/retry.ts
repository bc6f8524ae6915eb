import { isAdpError } from '../domain/errors.js';
import type { RetryPolicy } from '../domain/settings.js';

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.round(policy.intervalMs * policy.backoffRate ** (attempt - 1));
}

/** Only errors that say so are retried: a bad definition fails the same way every time. */
export function isRetryable(error: unknown): boolean {
  return isAdpError(error) && error.retryable;
}
