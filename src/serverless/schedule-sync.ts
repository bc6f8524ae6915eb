import { parseCuration, type CurationDefinition } from '../domain/curation.js';
import { ConfigError, isAdpError } from '../domain/errors.js';
import { scheduleRuleName } from '../domain/naming.js';
import type { CurationSchedule, ScheduleRegistry } from '../ports/schedule-registry.js';
import { itemIdentifier, type BatchResponse, type StreamEvent, type StreamRecord } from './stream-event.js';

export interface ScheduleSyncDeps {
  readonly schedules: ScheduleRegistry;
  /** Every item of the definitions table, in the stream images' shape (a full resync reads them). */
  readonly definitions?: () => AsyncIterable<Record<string, unknown>>;
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
  await deps.schedules.put(scheduleOf(definition));
}

function scheduleOf(definition: CurationDefinition): CurationSchedule {
  return {
    name: scheduleRuleName(definition.curationType),
    expression: definition.cronExpression,
    timezone: definition.timezone ?? 'UTC',
    enabled: definition.enabled ?? true,
    input: { curationType: definition.curationType, scheduledTime: '<aws.scheduler.scheduled-time>', trigger: 'schedule' },
  };
}

/** A direct invocation of the schedule-sync function (the deployment's, or `aws lambda invoke`): put every schedule again. */
export interface ResyncEvent {
  readonly resync: true;
  /** What asked for it (the deployment passes a hash of what the schedules depend on, so each change triggers one). */
  readonly revision?: string;
}

export const isResyncEvent = (event: unknown): event is ResyncEvent =>
  typeof event === 'object' && event !== null && (event as { resync?: unknown }).resync === true;

/** What a full resync did, per schedule. */
export interface ResyncResult {
  /** Schedules put, by name. */
  readonly put: string[];
  /** adp-named schedules of the group whose definition is gone, deleted. */
  readonly deleted: string[];
  /** Definitions passed over (not a valid curation; their schedule is left as it was). */
  readonly skipped: { readonly item: string; readonly reason: string }[];
  /** Scheduler calls that failed; the others were still made. */
  readonly failed: { readonly name: string; readonly error: string }[];
}

/**
 * Puts the schedule of every definition in the table, then deletes each
 * schedule of the group named like an adp schedule (`…-scheduled-curation`)
 * that no definition has, so definitions written before the stream was
 * read (the sample's, at the first deploy) get theirs. A definition that
 * does not validate keeps its schedule as it was, as on the stream. Every
 * item is tried: a failed call is reported, not thrown.
 *
 * @throws ConfigError when the registry cannot list its schedules or no definitions source is given.
 */
export async function resyncSchedules(deps: ScheduleSyncDeps): Promise<ResyncResult> {
  const { definitions, schedules } = deps;
  if (!definitions || !schedules.list) throw new ConfigError('a full schedule resync needs the definitions table and a schedule registry that lists its schedules');
  const result: ResyncResult = { put: [], deleted: [], skipped: [], failed: [] };
  const known = new Set<string>();
  for await (const item of definitions()) {
    const raw = deps.decode(item);
    if (typeof raw.curationType === 'string') known.add(scheduleRuleName(raw.curationType));
    let definition: CurationDefinition;
    try {
      definition = parseCuration(raw);
    } catch (error) {
      if (!isAdpError(error)) throw error;
      result.skipped.push({ item: String(raw.curationType ?? '(no curationType)'), reason: error.message.replace(/\n/g, '; ') });
      continue;
    }
    const schedule = scheduleOf(definition);
    try {
      await schedules.put(schedule);
      result.put.push(schedule.name);
    } catch (error) {
      result.failed.push({ name: schedule.name, error: (error as Error).message });
    }
  }
  for (const name of await schedules.list()) {
    if (!name.endsWith(SCHEDULE_SUFFIX) || known.has(name)) continue;
    try {
      if (await schedules.delete(name)) result.deleted.push(name);
    } catch (error) {
      result.failed.push({ name, error: (error as Error).message });
    }
  }
  deps.log(
    `schedule resync: ${result.put.length} put, ${result.deleted.length} deleted, ${result.skipped.length} skipped, ${result.failed.length} failed` +
      result.skipped.map((x) => `\n  skipped ${x.item}: ${x.reason}`).join('') +
      result.failed.map((x) => `\n  failed ${x.name}: ${x.error}`).join(''),
  );
  return result;
}

/** What every adp schedule name ends with (see scheduleRuleName). */
const SCHEDULE_SUFFIX = scheduleRuleName('x').slice(1);

function describe(record: StreamRecord): string {
  return `${record.eventName ?? 'record'} ${itemIdentifier(record)}`;
}
