import type { DestinationSpec, LineageDestinationSpec, NotifierDestinationSpec, SinkDestinationSpec } from '../domain/notify/destinations.js';
import type { DestinationRef } from '../domain/notify/outbox.js';
import type { EventSink } from './event-sink.js';
import type { LineageTransport } from './lineage.js';
import type { Notifier } from './notifier.js';

/**
 * Turns destination specs (as configured, secrets possibly as references)
 * into adapters. References are resolved on every call, so a rotated secret
 * is used from the next delivery on; an implementation may reuse an adapter
 * while what it resolved to is unchanged, and load heavy SDKs only when first asked.
 *
 * @throws DeliveryError for a type it cannot serve (not retryable), or a
 *   reference it cannot resolve (retryable: the variable or file may be fixed).
 */
export interface Destinations {
  notifier(destination: NotifierDestinationSpec): Promise<Notifier>;
  sink(destination: SinkDestinationSpec): Promise<EventSink>;
  lineage(destination: LineageDestinationSpec): Promise<LineageTransport>;
  close(): Promise<void>;
}

/**
 * Where an outbox entry's destination is configured now: outbox entries keep
 * only the destination's id, and its settings are looked up at delivery.
 */
export interface DestinationDirectory {
  /** The spec with this id that applies to the curation; undefined once it left the config. */
  find(ref: DestinationRef, curationType: string): Promise<DestinationSpec | undefined>;
}
