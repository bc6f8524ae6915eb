import { dependsOnWaitMs } from '../domain/depends-on.js';
import { runAlertPlanner } from '../domain/notify/plan-run-alerts.js';
import { STEPS } from '../domain/run.js';
import type { EngineDeps } from '../engine/engine-deps.js';
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

/** What the gate decided for a run about to take its first step. */
export type GateDecision =
  | { readonly kind: 'open' }
  | { readonly kind: 'wait'; readonly seconds: number }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * The `dependsOn` gate of a serverless run: Scheduler starts every run on its
 * own time, so a scheduled run of a curation with upstreams waits here,
 * before its first step, for each upstream's run of the same scheduled time,
 * decided by the scheduler's own rule ({@link upstreamReadiness}) from the
 * stored runs and records. Ready: the run goes on. Not yet: look again in
 * {@link recheckSeconds} (never past the deadline). One upstream
 * that will not succeed, or the deadline passed (`dependsOnWaitSeconds`
 * after the scheduled time): the run ends `skipped` with the reason, and
 * its alerts, as the embedded scheduler records a skipped tick. Any other
 * run (not scheduled, already started, no `dependsOn`) passes.
 */
export async function gateUpstreams(deps: EngineDeps, schedule: Pick<ScheduleStore, 'scheduledRuns'>, executionName: string): Promise<GateDecision> {
  const run = await deps.state.getRun(executionName);
  if (!run || run.status !== 'queued' || run.step !== STEPS[0] || run.trigger !== 'schedule' || !run.scheduledTime) return { kind: 'open' };
  const definition = (await deps.state.getCuration(run.curationType))?.definition;
  if (!definition?.dependsOn?.length) return { kind: 'open' };
  const tick = Date.parse(run.scheduledTime);
  const waitMs = dependsOnWaitMs(definition);
  const now = deps.clock.now();
  const ready = await upstreamReadiness({ schedule, state: deps.state }, definition.dependsOn, run.scheduledTime, tick + waitMs, now.getTime(), waitMs / 1000);
  if (ready.kind === 'ready') return { kind: 'open' };
  if (ready.kind === 'wait') {
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
