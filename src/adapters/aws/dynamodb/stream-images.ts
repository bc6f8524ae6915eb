import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { HistoryRecord } from '../../../domain/history.js';
import { historyRecordOf } from './history-item.js';
import { ADP_ATTRIBUTE } from './table-layout.js';

/** A DynamoDB Streams image (attribute values in DynamoDB JSON), as a Lambda stream event carries it. */
export type StreamImage = Record<string, unknown>;

/** The definition fields of a `curationDetails` item image: adp's bookkeeping attributes left out, not yet validated. */
export function definitionOfImage(image: StreamImage): Record<string, unknown> {
  const item = unmarshall(image as never) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(item).filter(([k]) => !ADP_ATTRIBUTE.test(k)));
}

/** The history record of a `curationHistory` item image, whoever wrote it (the sample or adp). */
export function historyRecordOfImage(image: StreamImage): HistoryRecord {
  return historyRecordOf(unmarshall(image as never) as never);
}
