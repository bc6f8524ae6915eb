import type { CurationDefinition } from '../domain/curation.js';
import type { RunState } from '../domain/run.js';
import { nextFireTimes, parseScheduleExpression } from '../domain/schedule/index.js';
import { resolveSchedulePolicy } from '../domain/schedule-policy.js';
import type { StateStore, StoredCuration } from '../ports/state-store.js';
import type { CurationSummary } from './schemas/records.js';

/** How many recent terminal runs the success rate looks at. */
export const RECENT_RUNS = 50;

/**
 * The next `count` fire times of a definition after `now`, in its time zone;
 * none when disabled. `rate()` counts from `startDate`, else from `from`
 * (the scheduler's next tick, or when the curation was stored).
 */
export function upcomingFires(definition: CurationDefinition, now: Date, count: number, anchor?: { from?: Date; createdAt: string }): Date[] {
  const policy = resolveSchedulePolicy(definition);
  if (!policy.enabled) return [];
  const anchorMs = policy.startMs ?? anchor?.from?.getTime() ?? Date.parse(anchor?.createdAt ?? now.toISOString());
  return nextFireTimes(parseScheduleExpression(definition.cronExpression), {
    after: now,
    count,
    timezone: policy.timezone,
    anchor: new Date(anchorMs),
  });
}

/** One curation as the dashboard lists it: definition, next fire, last run, recent success rate. */
export async function summarizeCuration(
  state: StateStore,
  stored: StoredCuration,
  context: { now: Date; active: readonly RunState[]; nextDue?: (curationType: string) => Date | undefined },
): Promise<CurationSummary> {
  const def = stored.definition;
  const policy = resolveSchedulePolicy(def);
  const { records } = await state.listHistory({ curationType: def.curationType, limit: RECENT_RUNS });
  const succeeded = records.filter((r) => r.status === 'succeeded').length;
  // The scheduler's own answer wins: it knows where a rate() schedule's cursor is.
  const next = context.nextDue ? (policy.enabled ? context.nextDue(def.curationType) : undefined) : upcomingFires(def, context.now, 1, { createdAt: stored.createdAt })[0];
  return {
    curationType: def.curationType,
    definition: def,
    version: stored.version,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    enabled: policy.enabled,
    timezone: policy.timezone,
    nextFireTime: next ? next.toISOString() : null,
    lastRun: records[0] ?? null,
    recent: { runs: records.length, succeeded, successRate: records.length ? succeeded / records.length : null },
    activeRuns: context.active.filter((r) => r.curationType === def.curationType).length,
  };
}
