import { dependsOnWaitMs } from '../domain/depends-on.js';
import { runAlertPlanner } from '../domain/notify/plan-run-alerts.js';
import { appendEvents, clipText } from '../domain/run-events.js';
import { STEPS, type RunState } from '../domain/run.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import type { RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import { skippedRecord } from '../scheduler/skipped-record.js';
import { upstreamReadiness } from '../scheduler/upstream-gate.js';

/** Seconds between two looks at the upstreams: each look is a Wait, a Task and a Choice transition plus an invocation. */
export const UPSTREAM_RECHECK_SECONDS = 60;

/**
 * The most looks one run makes: a Standard execution keeps at most 25,000
 * history events (about 12 per look), so a long `dependsOnWaitSeconds` (up
 * to 7 days) looks less often instead of failing the execution.
 */
export const MAX_UPSTREAM_LOOKS = 1000;

/** Seconds between two looks for a run that waits `waitSeconds` at most. */
export function recheckSeconds(waitSeconds: number): number {
  return Math.max(UPSTREAM_RECHECK_SECONDS, Math.ceil(waitSeconds / MAX_UPSTREAM_LOOKS));
}

/**
 * How long a run may go unsaved before its execution counts as lost. A live
 * execution saves its run on every step and poll (a Wait is at most 5
 * minutes, an AwaitQuery invocation polls for at most 14) and on every look
 * of the gate, so an hour without a save means no execution drives it any
 * more (stopped in the console, never started, failed to record). Such a run
 * holds no later run up; it stays as it is, for an operator to look at.
 */
export const LOST_AFTER_MS = 3600_000;

/** Whether an execution still drives `run` (see {@link LOST_AFTER_MS}). */
export function isDriven(run: RunState, now: Date): boolean {
  return now.getTime() - Date.parse(run.updatedAt) < LOST_AFTER_MS;
}

/** Whether active run `other` holds later runs of its curation up: not a backfill (they run side by side), and still driven. */
export function holdsUp(other: RunState, now: Date): boolean {
  return other.trigger !== 'backfill' && isDriven(other, now);
}

/** Looks at runs queued before this one: every 10 s at first, then less often the longer it waits, up to every 5 minutes. */
export function behindRecheckSeconds(waitedMs: number): number {
  return Math.min(300, Math.max(10, Math.ceil(waitedMs / 10_000)));
}

/** What a serverless run's start waits on: the curation's other active runs, and the scheduled runs of its upstreams. */
export type StartGateQueue = Pick<RunQueue, 'activeRuns'> & Pick<ScheduleStore, 'scheduledRuns'>;

/** What the gate decided for a run about to take its first step. */
export type GateDecision =
  | { readonly kind: 'open' }
  | { readonly kind: 'wait'; readonly seconds: number }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * The gate of a serverless run before its first step. Step Functions starts
 * every execution at once, so what the worker pool does by not claiming a
 * run is done here:
 * - a run stored behind earlier active runs of its curation (`overlap`
 *   `queue`, or `cancelRunning` while the superseded runs end) waits until
 *   they ended, looking again after {@link behindRecheckSeconds}; backfill
 *   runs neither wait nor are waited for, as in the worker pool, and
 *   neither are runs no execution drives any more ({@link isDriven});
 * - a scheduled run of a curation with `dependsOn` then waits for each
 *   upstream's run of the same scheduled time, decided by the scheduler's
 *   own rule ({@link upstreamReadiness}) from the stored runs and records.
 *   Not yet: look again in {@link recheckSeconds}, never past the deadline.
 *   One upstream that will not succeed, or the deadline passed
 *   (`dependsOnWaitSeconds` after the scheduled time): the run ends
 *   `skipped` with the reason and its alerts, as the embedded scheduler
 *   records a skipped tick.
 * Any other run (already started, nothing before it, no `dependsOn`) passes.
 */
export async function gateRunStart(deps: EngineDeps, queue: StartGateQueue, executionName: string): Promise<GateDecision> {
  const run = await deps.state.getRun(executionName);
  if (!run || run.status !== 'queued' || run.step !== STEPS[0]) return { kind: 'open' };
  const now = deps.clock.now();
  // The worker pool's line (run-leases): oldest first, ties by name; backfills run side by side and hold nobody up.
  const before =
    run.trigger === 'backfill'
      ? []
      : (await queue.activeRuns([run.curationType])).filter(
          (r) => r.executionName !== executionName && (r.createdAt < run.createdAt || (r.createdAt === run.createdAt && r.executionName < executionName)) && holdsUp(r, now),
        );
  if (before.length > 0) {
    await noteWaiting(deps, run, `waiting behind ${before.map((r) => `${r.executionName} (${r.status})`).join(', ')}`);
    return { kind: 'wait', seconds: behindRecheckSeconds(now.getTime() - Date.parse(run.createdAt)) };
  }
  if (run.trigger !== 'schedule' || !run.scheduledTime) return { kind: 'open' };
  const definition = (await deps.state.getCuration(run.curationType))?.definition;
  if (!definition?.dependsOn?.length) return { kind: 'open' };
  const tick = Date.parse(run.scheduledTime);
  const waitMs = dependsOnWaitMs(definition);
  const ready = await upstreamReadiness({ schedule: queue, state: deps.state }, definition.dependsOn, run.scheduledTime, tick + waitMs, now.getTime(), waitMs / 1000);
  if (ready.kind === 'ready') return { kind: 'open' };
  if (ready.kind === 'wait') {
    await noteWaiting(deps, run, `waiting for upstream ${ready.pending.join(', ')} until ${new Date(tick + waitMs).toISOString()} (dependsOnWaitSeconds)`);
    const left = Math.ceil((tick + waitMs - now.getTime()) / 1000);
    return { kind: 'wait', seconds: Math.max(1, Math.min(recheckSeconds(waitMs / 1000), left)) };
  }
  const record = skippedRecord({
    curationType: run.curationType,
    executionName,
    scheduledTime: new Date(tick),
    at: now,
    reason: ready.reason,
    engine: deps.queries.name,
    cause: 'dependency',
  });
  await deps.state.finishRun(record, deps.alerts && runAlertPlanner(deps.alerts, definition));
  return { kind: 'skipped', reason: ready.reason };
}

/**
 * Saves the waiting run, so it counts as driven ({@link isDriven}), and says
 * in its event log what it waits for: once, and again only when that
 * changes (every look would fill the log).
 */
async function noteWaiting(deps: EngineDeps, run: RunState, note: string): Promise<void> {
  const text = clipText(note);
  const last = run.context.events?.findLast((e) => e.kind === 'stepNote');
  const at = deps.clock.now().toISOString();
  const said = last?.kind === 'stepNote' && last.note === text;
  const context = said ? run.context : { ...run.context, events: appendEvents(run.context.events, [{ kind: 'stepNote', at, step: run.step, note: text }]) };
  await deps.state.saveRun({ ...run, updatedAt: at, context });
}
