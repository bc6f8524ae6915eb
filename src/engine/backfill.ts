import type { CurationDefinition } from '../domain/curation.js';
import { ValidationError, type FieldIssue } from '../domain/errors.js';
import { nextFireTimes, parseScheduleExpression } from '../domain/schedule/index.js';
import { resolveSchedulePolicy } from '../domain/schedule-policy.js';

/** Most runs one backfill may create unless the caller allows more. */
export const DEFAULT_MAX_BACKFILL_RUNS = 1000;

export interface BackfillRange {
  /** Inclusive bounds: a fire exactly at `from` or `to` is part of the backfill. */
  readonly from: Date;
  readonly to: Date;
  /** Refuse ranges with more fire times than this (default {@link DEFAULT_MAX_BACKFILL_RUNS}). */
  readonly maxRuns?: number;
}

/**
 * The fire times of `definition` in `[from, to]`, oldest first, read in the
 * curation's time zone. `rate()` schedules count from `startDate` when set,
 * else from `from`.
 *
 * @throws ValidationError (paths `from`, `to`) for an empty range or one with more than `maxRuns` fires.
 * @example
 * planBackfill(def, { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2027-01-03T23:59:59Z') })
 * // cron(0 12 * * ? *): three dates, 12:00 UTC on the 1st, 2nd and 3rd
 */
export function planBackfill(definition: CurationDefinition, range: BackfillRange): Date[] {
  const maxRuns = range.maxRuns ?? DEFAULT_MAX_BACKFILL_RUNS;
  const issues: FieldIssue[] = [];
  if (Number.isNaN(range.from.getTime())) issues.push({ path: 'from', message: 'must be an ISO-8601 date-time' });
  if (Number.isNaN(range.to.getTime())) issues.push({ path: 'to', message: 'must be an ISO-8601 date-time' });
  if (issues.length === 0 && range.to < range.from) issues.push({ path: 'to', message: 'must not be before from' });
  if (issues.length > 0) throw new ValidationError(issues, 'backfill');
  const policy = resolveSchedulePolicy(definition);
  const fires = nextFireTimes(parseScheduleExpression(definition.cronExpression), {
    after: new Date(range.from.getTime() - 1),
    count: maxRuns + 1,
    timezone: policy.timezone,
    anchor: new Date(policy.startMs ?? range.from.getTime()),
  }).filter((d) => d <= range.to);
  if (fires.length > maxRuns) {
    throw new ValidationError(
      [{ path: 'to', message: `the range holds more than ${maxRuns} fire times; narrow it or allow more runs (maxRuns)` }],
      'backfill',
    );
  }
  return fires;
}
