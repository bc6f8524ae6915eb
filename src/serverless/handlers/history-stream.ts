import { historyRecordOfImage, openHistorySink } from '../../drivers/aws/open-history-sink.js';
import { indexHistory, type HistoryStreamDeps } from '../history-stream.js';
import type { BatchResponse, StreamEvent } from '../stream-event.js';

let deps: Promise<HistoryStreamDeps> | undefined;

async function open(): Promise<HistoryStreamDeps> {
  const log = (line: string) => console.log(line);
  return { sink: await openHistorySink(process.env, log), decode: historyRecordOfImage, log };
}

/** The history-stream Lambda: the history table's stream into OpenSearch (ReportBatchItemFailures). */
export async function handler(event: StreamEvent): Promise<BatchResponse> {
  deps ??= open().catch((e: unknown) => {
    deps = undefined;
    throw e;
  });
  return indexHistory(await deps, event);
}
