import * as z from 'zod';

const backoffSchema = z.strictObject({
  initialMs: z.number().int().min(1).default(1000),
  maxMs: z.number().int().min(1).default(600_000),
  factor: z.number().min(1).max(10).default(2),
});
export type BackoffPolicy = z.infer<typeof backoffSchema>;

/**
 * How the outbox is delivered. The defaults keep retrying a destination that
 * is down for more than an hour (24 attempts, 1 s doubling to 10 min, with
 * jitter) before an entry is dead-lettered.
 */
export const outboxSettingsSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(1000).default(24),
  backoff: backoffSchema.default(backoffSchema.parse({})),
  /** Entries claimed per round (and the largest `_bulk` request). */
  batchSize: z.number().int().min(1).max(5000).default(200),
  /** A claim is another worker's to take after this long (a crashed dispatcher's entries are delivered again). */
  leaseSeconds: z.number().int().min(1).max(3600).default(120),
  /** How often an idle dispatcher looks for due entries. */
  pollMs: z.number().int().min(10).max(60_000).default(1000),
  /** How long `adp run --wait` waits for its own notifications before leaving them to `adp serve`. */
  runWaitSeconds: z.number().min(0).max(600).default(15),
  /** Delivered entries are removed after this many days. */
  retainDeliveredDays: z.number().min(0).max(3650).default(7),
});
export type OutboxSettings = z.infer<typeof outboxSettingsSchema>;
export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = outboxSettingsSchema.parse({});

/**
 * Delay before the next attempt after `attempts` failed ones: exponential,
 * capped, with "equal jitter" (half fixed, half random) so retries of many
 * entries spread out but never come sooner than half the nominal delay.
 */
export function backoffDelayMs(policy: BackoffPolicy, attempts: number, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempts - 1));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
