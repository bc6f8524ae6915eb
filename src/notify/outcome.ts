import { AdpError } from '../domain/errors.js';
import { DeliveryError, isRetryableDelivery } from '../domain/notify/delivery-error.js';
import { backoffDelayMs } from '../domain/notify/outbox-settings.js';
import type { OutboxEntry } from '../domain/notify/outbox.js';
import type { OutboxOutcome } from '../ports/outbox-store.js';
import type { DispatcherDeps } from './dispatcher-deps.js';

const MAX_ERROR_LENGTH = 1000;

/**
 * A failed attempt's outcome: retried later (with backoff and jitter, never
 * sooner than a `Retry-After`) when the failure is retryable and attempts
 * remain, dead-lettered otherwise.
 */
export function failureOutcome(deps: DispatcherDeps, entry: OutboxEntry, error: unknown, retryAfterMs?: number): OutboxOutcome {
  const message = describe(error);
  const retryable = isRetryableDelivery(error);
  if (!retryable || entry.attempts >= deps.settings.maxAttempts) {
    const why = retryable ? `gave up after ${entry.attempts} attempts: ${message}` : message;
    deps.log?.(`outbox: ${entry.id} (${entry.event} ${entry.curationType} -> ${entry.destination.id}) dead-lettered: ${why}`);
    return { id: entry.id, outcome: 'dead', error: why.slice(0, MAX_ERROR_LENGTH) };
  }
  const asked = retryAfterMs ?? (error instanceof DeliveryError ? error.retryAfterMs : undefined) ?? 0;
  const delay = Math.max(backoffDelayMs(deps.settings.backoff, entry.attempts, deps.random), Math.min(asked, deps.settings.backoff.maxMs));
  return { id: entry.id, outcome: 'retry', nextAttemptAt: new Date(deps.clock.now().getTime() + delay), error: message.slice(0, MAX_ERROR_LENGTH) };
}

function describe(error: unknown): string {
  if (error instanceof AdpError) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
