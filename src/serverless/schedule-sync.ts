import { parseCuration } from '../domain/curation.js';
import { isAdpError } from '../domain/errors.js';
import { scheduleRuleName } from '../domain/naming.js';
import type { ScheduleRegistry } from '../ports/schedule-registry.js';
import { itemIdentifier, type BatchResponse, type StreamEvent, type StreamRecord } from './stream-event.js';

export interface ScheduleSyncDeps {
  readonly schedules: ScheduleRegistry;
  /** A stream image of the definitions table as a plain object (adp's bookkeeping left out). */
  readonly decode: (image: Record<string, unknown>) => Record<string, unknown>;
  readonly log: (line: string) => void;
}

/**
 * Keeps one EventBridge Scheduler schedule per curation, from the
 * definitions table's stream: an insert or change puts the schedule
 * `scheduleRuleName(curationType)` (expression, timezone, enabled), a
 * removal deletes it. A definition that does not validate is logged and
 * passed over: it would fail the same way on every delivery, and blocking
 * the shard on it would hold every later change back. A Scheduler call
 * that fails stops the batch there and reports that record, so Lambda
 * delivers it and the ones after it again, in order (a later change of the
 * same curation is never applied before an earlier one).
 */
export async function syncSchedules(deps: ScheduleSyncDeps, event: StreamEvent): Promise<BatchResponse> {
  for (const record of event.Records) {
    try {
      await syncOne(deps, record);
    } catch (error) {
      deps.log(`schedule sync: ${describe(record)} failed, delivered again: ${(error as Error).message}`);
      return { batchItemFailures: [{ itemIdentifier: itemIdentifier(record) }] };
    }
  }
  return { batchItemFailures: [] };
}

async function syncOne(deps: ScheduleSyncDeps, record: StreamRecord): Promise<void> {
  const data = record.dynamodb ?? {};
  if (record.eventName === 'REMOVE') {
    const type = data.Keys && deps.decode(data.Keys).curationType;
    if (typeof type !== 'string') return deps.log(`schedule sync: ${describe(record)} has no curationType key; skipped`);
    await deps.schedules.delete(scheduleRuleName(type));
    return;
  }
  if (!data.NewImage) return deps.log(`schedule sync: ${describe(record)} has no new image (stream view must include NEW_IMAGE); skipped`);
  let definition;
  try {
    definition = parseCuration(deps.decode(data.NewImage));
  } catch (error) {
    if (!isAdpError(error)) throw error;
    return deps.log(`schedule sync: ${describe(record)} is not a valid curation, schedule left as it was: ${error.message.replace(/\n/g, '; ')}`);
  }
  await deps.schedules.put({
    name: scheduleRuleName(definition.curationType),
    expression: definition.cronExpression,
    timezone: definition.timezone ?? 'UTC',
    enabled: definition.enabled ?? true,
    input: { curationType: definition.curationType, scheduledTime: '<aws.scheduler.scheduled-time>', trigger: 'schedule' },
  });
}

function describe(record: StreamRecord): string {
  return `${record.eventName ?? 'record'} ${itemIdentifier(record)}`;
}
