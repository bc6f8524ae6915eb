import type { HistoryRecord } from '../domain/history.js';

/** One history record to index; `sequence` is its outbox order (the sample's `@SequenceNumber`). */
export interface SinkItem {
  readonly id: string;
  readonly record: HistoryRecord;
  readonly sequence: number;
}

/** Per item, in input order: accepted, or why not and whether a retry could help. */
export type SinkItemResult = { readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly error: string; readonly retryAfterMs?: number };

/**
 * Where history records are indexed for search and dashboards (OpenSearch,
 * Elasticsearch). Writes a batch and reports per item; throws `DeliveryError`
 * only when the whole batch failed (destination down, bad credentials).
 */
export interface EventSink {
  write(items: readonly SinkItem[]): Promise<SinkItemResult[]>;
  close?(): Promise<void>;
}
