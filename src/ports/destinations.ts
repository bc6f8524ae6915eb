import type { NotifierDestination, SinkDestination } from '../domain/notify/destinations.js';
import type { EventSink } from './event-sink.js';
import type { Notifier } from './notifier.js';

/**
 * Turns destination specs (as stored in outbox entries) into adapters. An
 * implementation may cache by `id` and load heavy SDKs only when first asked.
 *
 * @throws DeliveryError (not retryable) for a type it cannot serve.
 */
export interface Destinations {
  notifier(destination: NotifierDestination): Promise<Notifier>;
  sink(destination: SinkDestination): Promise<EventSink>;
  close(): Promise<void>;
}
