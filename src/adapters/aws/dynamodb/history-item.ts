import type { HistoryRecord } from '../../../domain/history.js';
import { recordFromItem } from '../../../domain/history-item.js';
import type { Item } from './dynamo-db.js';
import { ADP_ATTRIBUTE, HISTORY_PARTITION, pad } from './table-layout.js';

/**
 * The record of a history item, whoever wrote it: adp's index attributes
 * (`adp…`) removed, every other attribute kept (an item is the record), then
 * read as the domain reads the sample's items (status derived, defaults).
 */
export function historyRecordOf(item: Item): HistoryRecord {
  return recordFromItem(Object.fromEntries(Object.entries(item).filter(([k]) => !ADP_ATTRIBUTE.test(k))));
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
    adpStatus: historyRecordOf(item).status,
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
