import { definitionOfImage, openScheduleRegistry } from '../../drivers/aws/open-schedule-registry.js';
import { syncSchedules, type ScheduleSyncDeps } from '../schedule-sync.js';
import type { BatchResponse, StreamEvent } from '../stream-event.js';

let deps: Promise<ScheduleSyncDeps> | undefined;

async function open(): Promise<ScheduleSyncDeps> {
  return { schedules: await openScheduleRegistry(), decode: definitionOfImage, log: (line) => console.log(line) };
}

/** The schedule-sync Lambda on the definitions table's stream (ReportBatchItemFailures). */
export async function handler(event: StreamEvent): Promise<BatchResponse> {
  deps ??= open().catch((e: unknown) => {
    deps = undefined;
    throw e;
  });
  return syncSchedules(await deps, event);
}
