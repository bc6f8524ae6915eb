/** One record of a DynamoDB Streams event as Lambda delivers it (images in DynamoDB JSON). */
export interface StreamRecord {
  readonly eventID?: string;
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly dynamodb?: {
    readonly Keys?: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber?: string;
  };
}

export interface StreamEvent {
  readonly Records: readonly StreamRecord[];
}

/**
 * The answer of a stream function with `ReportBatchItemFailures`: the
 * records to deliver again (Lambda resumes the shard from the lowest one).
 */
export interface BatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** The identifier Lambda expects for a stream record's failure: its sequence number. */
export function itemIdentifier(record: StreamRecord): string {
  return record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
}
