import { NotFoundError } from '../domain/errors.js';
import type { Trigger } from '../domain/history.js';
import { checkCurationType } from '../domain/names.js';
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
 * Records a queued run of a registered curation: every start on request
 * (CLI, API) comes through here. A name that is not a curation name is a
 * ValidationError and an unregistered one a NotFoundError, and nothing is
 * queued. Everything else is the steps' business: a curation whose
 * definition, script or tables are broken by the time it runs still ends
 * in a failure record ("Failed to start processing"), as in the sample.
 *
 * @example await createRun(project, { curationType: 'wildrydes-rydebooking', trigger: 'manual' })
 */
export async function createRun(deps: Pick<EngineDeps, 'state' | 'clock'>, request: RunRequest): Promise<RunState> {
  checkCurationType(request.curationType);
  if (!(await deps.state.getCuration(request.curationType))) {
    throw new NotFoundError('curation', request.curationType, 'see `adp curation list`');
  }
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
