import type { Notification } from '../domain/notify/events.js';

/** About one delivery: `id` is the outbox entry's, the same on every redelivery. */
export interface DeliveryInfo {
  readonly id: string;
  readonly attempt: number;
}

/**
 * Sends one notification to one destination (webhook, Slack, email, SNS,
 * log). Throws `DeliveryError` (retryable or not) when it was not accepted;
 * any other error is treated as permanent.
 */
export interface Notifier {
  send(notification: Notification, delivery: DeliveryInfo): Promise<void>;
  close?(): Promise<void>;
}
