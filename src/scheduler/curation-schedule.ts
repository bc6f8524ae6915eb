import type { CurationDefinition } from '../domain/curation.js';
import { resolveSchedulePolicy, type SchedulePolicy } from '../domain/schedule-policy.js';
import { parseScheduleExpression, type ScheduleExpression } from '../domain/schedule/index.js';
import type { StoredCuration } from '../ports/state-store.js';

/** A curation as the scheduler sees it: its expression parsed, its policy resolved, and the anchor of rate(). */
export interface CurationSchedule {
  readonly curationType: string;
  readonly expression: ScheduleExpression;
  readonly policy: SchedulePolicy;
  /** rate(): ticks fall on `anchorMs + k * everyMs`: `startDate`, else the curation's creation. */
  readonly anchorMs: number;
  /** No tick at or before this instant: the start date less 1 ms, else the creation time. */
  readonly notBeforeMs: number;
  /** Changes in these fields move the schedule itself (not only what a tick does). */
  readonly timingKey: string;
  /** The definition the schedule was made from (its notification routes apply to skipped ticks). */
  readonly definition: CurationDefinition;
}

/**
 * The schedule of a stored curation. Without `startDate`, a rate() curation
 * fires one period after it was first put (as a new EventBridge schedule
 * does); a cron() curation fires at its first matching time after that.
 *
 * @throws ScheduleSyntaxError if the stored expression no longer parses.
 */
export function curationSchedule(stored: StoredCuration): CurationSchedule {
  const def = stored.definition;
  const policy = resolveSchedulePolicy(def);
  const createdMs = Date.parse(stored.createdAt);
  const anchorMs = policy.startMs ?? createdMs;
  return {
    curationType: def.curationType,
    expression: parseScheduleExpression(def.cronExpression),
    policy,
    anchorMs,
    notBeforeMs: policy.startMs !== undefined ? policy.startMs - 1 : createdMs,
    timingKey: JSON.stringify([def.cronExpression, policy.timezone, policy.startMs ?? null, policy.enabled]),
    definition: def,
  };
}
