import type { SinkDestinationSpec } from '../domain/notify/destinations.js';
import type { HistoryRecord } from '../domain/history.js';
import type { OutboxEntry } from '../domain/notify/outbox.js';
import type { EventSink } from '../ports/event-sink.js';
import type { OutboxOutcome } from '../ports/outbox-store.js';
import { DeliveryError } from '../domain/notify/delivery-error.js';
import type { DispatcherDeps } from './dispatcher-deps.js';
import { failureOutcome } from './outcome.js';

/**
 * Writes one sink's claimed history records in batches (`_bulk`), settling
 * each entry by its own item result. Documents are keyed, so an item indexed
 * after one that waits for its retry does no harm.
 */
export async function deliverHistory(deps: DispatcherDeps, destination: SinkDestinationSpec, entries: readonly OutboxEntry[]): Promise<OutboxOutcome[]> {
  if (entries.length === 0) return [];
  let sink: EventSink;
  try {
    sink = await deps.destinations.sink(destination);
  } catch (error) {
    return entries.map((e) => failureOutcome(deps, e, error));
  }
  const size = destination.batchSize ?? deps.settings.batchSize;
  const outcomes: OutboxOutcome[] = [];
  for (let i = 0; i < entries.length; i += size) {
    const batch = entries.slice(i, i + size);
    try {
      const results = await sink.write(batch.map((e) => ({ id: e.id, record: e.payload as HistoryRecord, sequence: e.seq })));
      batch.forEach((entry, j) => {
        const r = results[j];
        if (r?.ok) outcomes.push({ id: entry.id, outcome: 'delivered' });
        else {
          const error = new DeliveryError(r ? r.error : 'the sink returned no result for this item', { retryable: r ? r.retryable : true });
          outcomes.push(failureOutcome(deps, entry, error, r?.ok === false ? r.retryAfterMs : undefined));
        }
      });
    } catch (error) {
      outcomes.push(...batch.map((e) => failureOutcome(deps, e, error)));
    }
  }
  return outcomes;
}
