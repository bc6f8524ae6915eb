import type { HistoryRecord, TerminalStatus } from '../../../domain/history.js';
import { RUN_STATUSES, TRIGGERS } from '../../../domain/history.js';
import type { Item } from './dynamo-db.js';
import { ADP_ATTRIBUTE, HISTORY_PARTITION, pad } from './table-layout.js';

/**
 * A history item as the record it holds: adp's index attributes (`adp…`)
 * removed, every other attribute kept (an item is the record), and what
 * the sample's items lack filled in: the status from `error` (present →
 * failed), trigger `schedule` (the sample only ran on schedule), startedAt
 * the record's own time, durationMs 0, attempt 1, engine `athena`.
 *
 * Stands in for the domain's `recordFromItem` until it lands; the one
 * call site is {@link historyRecordOf}.
 */
export function recordFromSampleItem(item: Item): HistoryRecord {
  const fields = Object.fromEntries(Object.entries(item).filter(([k]) => !ADP_ATTRIBUTE.test(k)));
  const timestamp = Number(fields.timestamp);
  const record: Record<string, unknown> = { ...fields, timestamp };
  if (!RUN_STATUSES.includes(record.status as TerminalStatus)) record.status = fields.error === undefined ? 'succeeded' : 'failed';
  if (!TRIGGERS.includes(record.trigger as never)) record.trigger = 'schedule';
  if (typeof record.startedAt !== 'string') record.startedAt = Number.isSafeInteger(timestamp) ? new Date(timestamp).toISOString() : '';
  if (typeof record.durationMs !== 'number') record.durationMs = 0;
  if (typeof record.attempt !== 'number') record.attempt = 1;
  if (typeof record.engine !== 'string') record.engine = 'athena';
  if (typeof record.errorCause === 'string') record.errorCause = parseCause(record.errorCause);
  return record as unknown as HistoryRecord;
}

/** The record of a history item, whoever wrote it. */
export function historyRecordOf(item: Item): HistoryRecord {
  return recordFromSampleItem(item);
}

/** The status a record of the sample (no `status`) stands for. */
export function derivedStatus(item: Item): TerminalStatus {
  if (RUN_STATUSES.includes(item.status as TerminalStatus)) return item.status as TerminalStatus;
  return item.error === undefined ? 'succeeded' : 'failed';
}

/**
 * What adp adds beside the record so it can list history across curations
 * (`byTime`) and by status: the constant partition, `<16-digit ms>#<name>`
 * (newest first when read backwards), the status as derived.
 */
export function historyIndexAttributes(item: Item): Item {
  return {
    adpPartition: HISTORY_PARTITION,
    adpTimeKey: timeKey(Number(item.timestamp), String(item.curationExecutionName ?? '')),
    adpStatus: derivedStatus(item),
  };
}

/** The byTime sort key of a record. */
export function timeKey(timestamp: number, executionName: string): string {
  return `${pad(timestamp)}#${executionName}`;
}

/** The item adp writes for a record: the record's own fields (undefined ones left out) plus the index attributes. */
export function recordItem(record: HistoryRecord): Item {
  const fields = withoutUndefined(record) as unknown as Item;
  return { ...fields, ...historyIndexAttributes(fields) };
}

/** A copy without undefined values at any depth (DynamoDB cannot hold them, and stored records must not show them). */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    ) as T;
  }
  return value;
}

function parseCause(text: string): unknown {
  try {
    const parsed = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return { errorType: String(parsed.errorType ?? 'Error'), errorMessage: parsed.errorMessage };
  } catch {
    // Not JSON: the text is the message.
  }
  return { errorType: 'Error', errorMessage: text };
}
