import type { HistoryRecord } from '../domain/history.js';
import type { EventSink, SinkItem } from '../ports/event-sink.js';
import { itemIdentifier, type BatchResponse, type StreamEvent } from './stream-event.js';

export interface HistoryStreamDeps {
  readonly sink: EventSink;
  readonly decode: (image: Record<string, unknown>) => HistoryRecord;
  readonly log: (line: string) => void;
}

/**
 * Indexes the history table's new items into OpenSearch (one `_bulk` per
 * batch, the sample's `_id` and index, `@SequenceNumber` from the stream),
 * and reports the records of documents refused for a reason that may pass
 * (429, 5xx) as batch item failures, so Lambda delivers those again;
 * documents already indexed keep their `_id`, so a delivery again never
 * doubles one. A document refused for good (a mapping conflict) or an item
 * that is no record is logged, not retried forever. A sink that is down
 * fails every record of the batch.
 */
export async function indexHistory(deps: HistoryStreamDeps, event: StreamEvent): Promise<BatchResponse> {
  const items: SinkItem[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName === 'REMOVE' || !image) continue;
    const id = itemIdentifier(record);
    try {
      items.push({ id, record: deps.decode(image), sequence: Number(record.dynamodb?.SequenceNumber ?? 0) });
    } catch (error) {
      deps.log(`history stream: ${id} is not a history record, not indexed: ${(error as Error).message}`);
    }
  }
  let results;
  try {
    results = await deps.sink.write(items);
  } catch (error) {
    deps.log(`history stream: the sink refused the batch of ${items.length}, delivered again: ${(error as Error).message}`);
    return { batchItemFailures: items.map((i) => ({ itemIdentifier: i.id })) };
  }
  const failures: { itemIdentifier: string }[] = [];
  results.forEach((result, i) => {
    if (result.ok) return;
    const item = items[i]!;
    if (result.retryable) failures.push({ itemIdentifier: item.id });
    else deps.log(`history stream: ${item.record.curationExecutionName ?? item.id} refused for good: ${result.error}`);
  });
  return { batchItemFailures: failures };
}
