import { checkCurationType } from '../domain/names.js';
import type { Trigger } from '../domain/history.js';
import { executionName, randomSuffix } from '../domain/naming.js';
import { sha256Hex } from '../domain/sha256.js';
import { newRun } from '../engine/create-run.js';
import type { Clock } from '../ports/clock.js';
import type { ExecutionStarter } from '../ports/execution-starter.js';
import type { StateStore } from '../ports/state-store.js';

/** What a schedule (or the API) invokes the start-execution function with. */
export interface StartEvent {
  readonly curationType: string;
  /** The schedule's fire time (`<aws.scheduler.scheduled-time>`); makes the start idempotent. */
  readonly scheduledTime?: string;
  readonly trigger?: Extract<Trigger, 'schedule' | 'api' | 'manual'>;
  readonly parameters?: Record<string, string>;
}

export interface StartDeps {
  readonly state: Pick<StateStore, 'getRun' | 'createRun'>;
  readonly clock: Clock;
  readonly executions: ExecutionStarter;
}

export interface StartResult {
  readonly executionName: string;
  readonly run: 'created' | 'exists';
  readonly execution: 'started' | 'exists';
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
 * a new run each time). A run of a curation removed meanwhile still runs,
 * to its failure record ("Failed to start processing"), as in the sample.
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
    try {
      await deps.state.createRun(run);
      created = 'created';
    } catch (e) {
      // Two deliveries at once: the other one stored it.
      if (!(await deps.state.getRun(run.executionName))) throw e;
    }
  }
  const execution = await deps.executions.start(run.executionName, { executionName: run.executionName, caught: null });
  return { executionName: run.executionName, run: created, execution };
}
