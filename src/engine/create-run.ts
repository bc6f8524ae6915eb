import type { Trigger } from '../domain/history.js';
import { executionName } from '../domain/naming.js';
import type { RunState } from '../domain/run.js';
import type { EngineDeps } from './engine-deps.js';

export interface RunRequest {
  readonly curationType: string;
  readonly trigger: Trigger;
  readonly scheduledTime?: Date;
  readonly parameters?: Record<string, string>;
}

/**
 * Records a queued run. Nothing is checked here on purpose: a run of an
 * unknown curation still gets a name and ends in a failure record, as the
 * sample's state machine does.
 */
export async function createRun(deps: Pick<EngineDeps, 'state' | 'clock'>, request: RunRequest): Promise<RunState> {
  const run = newRun(request, deps.clock.now());
  await deps.state.createRun(run);
  return run;
}

/** A queued run for `request`, named at `now`, not yet stored (schedulers store it with their tick claim). */
export function newRun(request: RunRequest, now: Date): RunState {
  const run: RunState = {
    executionName: executionName(now, request.curationType),
    curationType: request.curationType,
    status: 'queued',
    step: 'retrieve',
    trigger: request.trigger,
    attempt: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    context: {},
  };
  if (request.scheduledTime) run.scheduledTime = request.scheduledTime.toISOString();
  if (request.parameters && Object.keys(request.parameters).length > 0) run.parameters = request.parameters;
  return run;
}
