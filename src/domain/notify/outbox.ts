import type { HistoryRecord } from '../history.js';
import type { DestinationSpec } from './destinations.js';
import type { AlertEvent, Notification } from './events.js';

/** pending: to deliver; delivered: done; dead: gave up (retry with `adp outbox retry`). */
export const OUTBOX_STATES = ['pending', 'delivered', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * Which destination an entry goes to: only its id (and type, for people
 * reading the outbox). Its settings, secrets among them, are looked up by id
 * in the current config at each delivery, so none is ever stored.
 */
export interface DestinationRef {
  readonly id: string;
  readonly type: DestinationSpec['type'];
}

/** The reference an entry keeps of a destination (a copy: never the spec itself). */
export function destinationRef(destination: Pick<DestinationSpec, 'id' | 'type'>): DestinationRef {
  return { id: destination.id, type: destination.type };
}

/**
 * A run's lineage, as two entries for each OpenLineage sink: its start and
 * its end, both planned with the terminal record (the start's event time is
 * the run's `startedAt`), so one transaction writes both or neither, and the
 * start, enqueued first, is delivered first.
 */
export const LINEAGE_EVENTS = ['lineageStart', 'lineageEnd'] as const;
export type LineageOutboxEvent = (typeof LINEAGE_EVENTS)[number];

/** What to deliver where: a history record to a sink (history, or lineage as run events), or a notification to a notifier. */
export type OutboxDraft = {
  /** Stable: the same event for the same destination always has the same id. */
  readonly id: string;
  readonly destination: DestinationRef;
  readonly curationType: string;
  /** The run the entry is about, when there is one (lets `adp run --wait` wait for its own entries). */
  readonly executionName?: string;
} & (
  | { readonly event: 'history'; readonly payload: HistoryRecord }
  | { readonly event: LineageOutboxEvent; readonly payload: HistoryRecord }
  | { readonly event: AlertEvent; readonly payload: Notification }
);

/** An entry as the outbox keeps it. */
export type OutboxEntry = OutboxDraft & {
  /** Increases with every enqueue: the delivery order, and the sink's `@SequenceNumber`. */
  readonly seq: number;
  readonly state: OutboxState;
  /** Delivery attempts so far (a claim counts as an attempt, so a crash loop still ends). */
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Not claimed before this time (ISO). */
  readonly nextAttemptAt: string;
  readonly deliveredAt?: string;
  readonly lastError?: string;
};

/**
 * An entry as it may be shown (CLI, HTTP API). Entries hold no secret any
 * more; this still copies only the reference, so a store that returned more
 * (an old row, a document store's extra attributes) shows nothing else.
 */
export function publicOutboxEntry(entry: OutboxEntry): OutboxEntry {
  return { ...entry, destination: destinationRef(entry.destination) };
}
