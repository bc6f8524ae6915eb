import type { HistoryRecord } from '../domain/history.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import type { StateStore } from '../ports/state-store.js';

/** What {@link upstreamReadiness} reads: existing port methods only. */
export interface UpstreamGateDeps {
  readonly schedule: Pick<ScheduleStore, 'scheduledRuns'>;
  readonly state: Pick<StateStore, 'getCuration' | 'listHistory'>;
}

/** Whether a downstream tick may run: every upstream succeeded, some still may, or one never will (or the wait is over). */
export type Readiness =
  | { readonly kind: 'ready' }
  | { readonly kind: 'wait'; readonly pending: readonly string[] }
  | { readonly kind: 'skip'; readonly reason: string };

/** History pages looked through for an upstream's record of one tick. */
const RECORD_PAGES = 3;
const PAGE = 100;

/**
 * Decides a downstream tick at `scheduledTime` (ISO) from its upstreams' runs
 * of that same scheduled time, as stored (so every scheduler process, and one
 * restarted, decides alike): `ready` when each has a succeeded record;
 * `skip` at once when one ended otherwise (failed, cancelled, timed out,
 * skipped) or is not a registered or enabled curation; `skip` as well once
 * `deadlineMs` passed with some still missing; `wait` before that.
 *
 * @example
 * await upstreamReadiness(deps, ['orders-raw'], '2027-01-04T10:00:00.000Z', deadline, now) // { kind: 'wait', pending: ['orders-raw (running)'] }
 */
export async function upstreamReadiness(
  deps: UpstreamGateDeps,
  upstreams: readonly string[],
  scheduledTime: string,
  deadlineMs: number,
  nowMs: number,
  waitSeconds: number,
): Promise<Readiness> {
  const pending: string[] = [];
  for (const up of upstreams) {
    const runs = await deps.schedule.scheduledRuns(up, scheduledTime, scheduledTime);
    if (runs.succeeded.has(scheduledTime)) continue;
    const active = runs.active[0];
    if (active) {
      pending.push(`${up} (${active.status} ${active.executionName})`);
      continue;
    }
    const ended = await endedRecord(deps.state, up, scheduledTime);
    if (ended?.status === 'succeeded') continue;
    if (ended) return { kind: 'skip', reason: `upstream ${up} ${ended.status} for ${scheduledTime} (${ended.curationExecutionName})` };
    const stored = await deps.state.getCuration(up);
    if (!stored) return { kind: 'skip', reason: `upstream ${up} is not a registered curation` };
    if (stored.definition.enabled === false) return { kind: 'skip', reason: `upstream ${up} is disabled` };
    pending.push(`${up} (no run yet)`);
  }
  if (pending.length === 0) return { kind: 'ready' };
  if (nowMs >= deadlineMs) {
    return { kind: 'skip', reason: `upstream did not succeed for ${scheduledTime} within ${waitSeconds} s (dependsOnWaitSeconds): ${pending.join(', ')}` };
  }
  return { kind: 'wait', pending };
}

/** The terminal record of `curationType`'s run for `scheduledTime`, if one ended (records are newest first and end after their tick). */
async function endedRecord(state: UpstreamGateDeps['state'], curationType: string, scheduledTime: string): Promise<HistoryRecord | undefined> {
  const tickMs = Date.parse(scheduledTime);
  let cursor: string | undefined;
  for (let page = 0; page < RECORD_PAGES; page++) {
    const found = await state.listHistory({ curationType, from: tickMs, limit: PAGE, cursor });
    const hit = found.records.find((r) => r.scheduledTime !== undefined && Date.parse(r.scheduledTime) === tickMs);
    if (hit) return hit;
    if (!found.nextCursor) return undefined;
    cursor = found.nextCursor;
  }
  return undefined;
}
