import { definitionItems, definitionOfImage, openScheduleRegistry } from '../../drivers/aws/open-schedule-registry.js';
import { isResyncEvent, resyncSchedules, syncSchedules, type ResyncEvent, type ResyncResult, type ScheduleSyncDeps } from '../schedule-sync.js';
import type { BatchResponse, StreamEvent } from '../stream-event.js';

let deps: Promise<ScheduleSyncDeps> | undefined;

async function open(): Promise<ScheduleSyncDeps> {
  return { schedules: await openScheduleRegistry(), definitions: () => definitionItems(), decode: definitionOfImage, log: (line) => console.log(line) };
}

/**
 * The schedule-sync Lambda: on the definitions table's stream
 * (ReportBatchItemFailures), or invoked with `{"resync": true}` for a full
 * resync of every definition's schedule (the deployment does once per
 * create and update).
 */
export async function handler(event: StreamEvent): Promise<BatchResponse>;
export async function handler(event: ResyncEvent): Promise<ResyncResult>;
export async function handler(event: StreamEvent | ResyncEvent): Promise<BatchResponse | ResyncResult> {
  deps ??= open().catch((e: unknown) => {
    deps = undefined;
    throw e;
  });
  return isResyncEvent(event) ? resyncSchedules(await deps) : syncSchedules(await deps, event as StreamEvent);
}
