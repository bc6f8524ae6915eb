import type { CurationDefinition } from '../domain/curation.js';
import { checkCurationType } from '../domain/names.js';
import type { RunState } from '../domain/run.js';
import { runAlertPlanner, type AlertPolicy } from '../domain/notify/plan-run-alerts.js';
import { resolveSchedulePolicy } from '../domain/schedule-policy.js';
import type { Trigger } from '../domain/history.js';
import { executionName, randomSuffix } from '../domain/naming.js';
import { sha256Hex } from '../domain/sha256.js';
import { newRun } from '../engine/create-run.js';
import type { Clock } from '../ports/clock.js';
import type { ExecutionStarter } from '../ports/execution-starter.js';
import type { RunQueue } from '../ports/run-queue.js';
import type { StateStore } from '../ports/state-store.js';
import { skippedRecord } from '../scheduler/skipped-record.js';
import { holdsUp, isDriven } from './start-gate.js';

/** What a schedule (or the API) invokes the start-execution function with. */
export interface StartEvent {
  readonly curationType: string;
  /** The schedule's fire time (`<aws.scheduler.scheduled-time>`); makes the start idempotent. */
  readonly scheduledTime?: string;
  readonly trigger?: Extract<Trigger, 'schedule' | 'api' | 'manual'>;
  readonly parameters?: Record<string, string>;
}

export interface StartDeps {
  readonly state: Pick<StateStore, 'getRun' | 'getCuration' | 'createRun' | 'getHistoryRecord' | 'finishRun'>;
  readonly queue: Pick<RunQueue, 'enqueueRun' | 'activeRuns'>;
  readonly clock: Clock;
  readonly executions: ExecutionStarter;
  /** Routes the alerts of a tick's `skipped` record (overlap skip), as run records are routed. */
  readonly alerts?: AlertPolicy;
  /** Written as `engine` in a skipped tick's record. */
  readonly engineName: string;
}

export interface StartResult {
  readonly executionName: string;
  /** `skipped`: not stored (overlap `skip`, another run active); a tick's skip is recorded. */
  readonly run: 'created' | 'exists' | 'skipped';
  readonly execution: 'started' | 'exists' | 'none';
  /** With `skipped`: the active run it gave way to (absent when a repeated delivery finds its tick recorded). */
  readonly activeRun?: string;
}

/**
 * The execution name of a curation's run for one scheduled time: the
 * sample's shape (stamp + 6 characters + type) with the 6 characters taken
 * from a hash of type and time instead of chance, so a schedule delivered
 * twice (Scheduler retries, at-least-once) names the same run and the same
 * execution, and Step Functions refuses the second.
 */
export function scheduledExecutionName(curationType: string, scheduledTime: Date): string {
  const hash = sha256Hex(`${curationType}|${scheduledTime.toISOString()}`);
  let i = 0;
  const fromHash = () => parseInt(hash.slice(i, (i += 2)), 16) / 256;
  return executionName(scheduledTime, curationType, randomSuffix(fromHash));
}

/**
 * Queues a run and starts its state machine execution, both under one
 * name: idempotent per curation and scheduled time (a start without one is
 * a new run each time). The curation's `overlap` policy is applied by the
 * store, as for every other start: with `skip` and a run still active,
 * nothing starts (a tick is recorded `skipped` with the reason); with
 * `queue` or `cancelRunning` the run is stored behind the active ones and
 * its first Task waits for them (start-gate.ts). A run of a curation
 * removed meanwhile still runs, to its failure record ("Failed to start
 * processing"), as in the sample.
 */
export async function startExecution(deps: StartDeps, event: StartEvent): Promise<StartResult> {
  checkCurationType(event.curationType);
  const scheduled = event.scheduledTime ? new Date(event.scheduledTime) : undefined;
  if (scheduled && Number.isNaN(scheduled.getTime())) throw new TypeError(`scheduledTime '${event.scheduledTime}' is not an ISO time`);
  const trigger = event.trigger ?? (scheduled ? 'schedule' : 'api');
  const now = deps.clock.now();
  const queued = newRun({ curationType: event.curationType, trigger, scheduledTime: scheduled, parameters: event.parameters }, now);
  const run = scheduled ? { ...queued, executionName: scheduledExecutionName(event.curationType, scheduled) } : queued;
  let created: StartResult['run'] = 'exists';
  if (!(await deps.state.getRun(run.executionName))) {
    // A tick delivered again after it was skipped: its record is all there is.
    if (scheduled && (await deps.state.getHistoryRecord(run.executionName))) return { executionName: run.executionName, run: 'skipped', execution: 'none' };
    const stored = await deps.state.getCuration(event.curationType);
    try {
      if (!stored) {
        await deps.state.createRun(run);
        created = 'created';
      } else {
        const policy = resolveSchedulePolicy(stored.definition).overlap;
        let outcome = await deps.queue.enqueueRun(run, policy, now, `superseded by ${trigger} run ${run.executionName} (overlap: cancelRunning)`);
        let active = outcome.queued ? undefined : outcome.active;
        if (active && active.executionName !== run.executionName && !isDriven(active, now)) {
          // Runs no execution drives any more (stopped, never started) block nothing: skip for a driven one, else queue (the gate passes the lost ones by).
          active = (await deps.queue.activeRuns([run.curationType])).find((r) => r.executionName !== run.executionName && holdsUp(r, now));
          if (!active) outcome = await deps.queue.enqueueRun(run, 'queue', now, '');
        }
        if (outcome.queued) created = 'created';
        // The same tick delivered twice at once finds its own run, stored by the other delivery: that one goes on.
        else if (active && active.executionName !== run.executionName) return await skip(deps, run, scheduled, now, active, stored.definition);
      }
    } catch (e) {
      // Two deliveries at once: the other one stored it.
      if (!(await deps.state.getRun(run.executionName))) throw e;
    }
  }
  const execution = await deps.executions.start(run.executionName, { executionName: run.executionName, caught: null });
  return { executionName: run.executionName, run: created, execution };
}

/** Overlap `skip` with another run active: nothing starts; a tick is recorded `skipped`, naming that run. */
async function skip(deps: StartDeps, run: RunState, scheduled: Date | undefined, now: Date, active: RunState, definition: CurationDefinition): Promise<StartResult> {
  if (scheduled) {
    const reason = `previous run ${active.executionName} is still ${active.status} (overlap: skip)`;
    const record = skippedRecord({ curationType: run.curationType, executionName: run.executionName, scheduledTime: scheduled, at: now, reason, engine: deps.engineName, cause: 'overlap' });
    await deps.state.finishRun(record, deps.alerts && runAlertPlanner(deps.alerts, definition));
  }
  return { executionName: run.executionName, run: 'skipped', execution: 'none', activeRun: active.executionName };
}
