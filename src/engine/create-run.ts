import type { CurationDefinition } from '../domain/curation.js';
import { NotFoundError, OverlapSkippedError, ValidationError } from '../domain/errors.js';
import { resolveParameters } from '../domain/template/index.js';
import type { Trigger } from '../domain/history.js';
import { checkCurationType } from '../domain/names.js';
import { executionName } from '../domain/naming.js';
import type { RunState } from '../domain/run.js';
import { resolveSchedulePolicy } from '../domain/schedule-policy.js';
import type { EnqueueOutcome, RunQueue } from '../ports/run-queue.js';
import type { EngineDeps } from './engine-deps.js';

export interface RunRequest {
  readonly curationType: string;
  readonly trigger: Trigger;
  readonly scheduledTime?: Date;
  readonly parameters?: Record<string, string>;
  /** `--downstream`: queue the curations downstream once this run succeeded (the run gets `scheduledTime` now unless given, shared by the chain). */
  readonly downstream?: boolean;
  /** The run this one retries (trigger `retry`). */
  readonly retryOf?: string;
}

/**
 * Refuses parameter values a run of `definition` could not take: a name it
 * does not declare, or a value not of the declared type (ValidationError,
 * paths `parameters.NAME`). A missing required value is left to the run's
 * start, which fails it (a run may be queued before anyone could tell).
 * Every start on request checks this before queueing anything.
 *
 * @example checkRunParameters({ ...def, parameters: { n: { type: 'int' } } }, { n: 'x' }) // throws: parameters.n: 'x' is not a whole number
 */
export function checkRunParameters(definition: Pick<CurationDefinition, 'parameters'>, parameters: Readonly<Record<string, string>> | undefined): void {
  const params = resolveParameters(definition.parameters, parameters, false);
  if (params.issues.length > 0) throw new ValidationError(params.issues, 'run parameters');
}

/** A run {@link createRun} stored, and what the curation's overlap policy made of its start. */
export type CreatedRun = RunState & { readonly overlap: Extract<EnqueueOutcome, { queued: true }> };

/**
 * Records a queued run of a registered curation: every start on request
 * (CLI, API, backfill) comes through here. A name that is not a curation name
 * is a ValidationError and an unregistered one a NotFoundError, and nothing
 * is queued. The curation's `overlap` policy is applied by the store, as one
 * atomic step with the insert (two starters at once cannot both see no active
 * run): `skip` throws OverlapSkippedError and stores nothing; `queue` and
 * `cancelRunning` store the run, which is claimed only once the runs before
 * it ended. Everything else is the steps' business: a curation whose
 * definition, script or tables are broken by the time it runs still ends in
 * a failure record ("Failed to start processing"), as in the sample.
 *
 * @example await createRun({ state, clock, queue: project.scheduling }, { curationType: 'wildrydes-rydebooking', trigger: 'manual' })
 */
export async function createRun(
  deps: Pick<EngineDeps, 'state' | 'clock'> & { readonly queue: Pick<RunQueue, 'enqueueRun'> },
  request: RunRequest,
): Promise<CreatedRun> {
  checkCurationType(request.curationType);
  const stored = await deps.state.getCuration(request.curationType);
  if (!stored) throw new NotFoundError('curation', request.curationType, 'see `adp curation list`');
  checkRunParameters(stored.definition, request.parameters);
  const now = deps.clock.now();
  const run = newRun(request, now);
  const policy = resolveSchedulePolicy(stored.definition).overlap;
  const outcome = await deps.queue.enqueueRun(run, policy, now, `superseded by ${request.trigger} run ${run.executionName} (overlap: cancelRunning)`);
  if (!outcome.queued) throw new OverlapSkippedError(request.curationType, outcome.active.executionName, outcome.active.status);
  return { ...run, overlap: outcome };
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
  if (request.downstream) {
    run.scheduledTime ??= now.toISOString();
    run.context = { downstream: { root: request.curationType } };
  }
  if (request.retryOf) run.context = { ...run.context, retryOf: request.retryOf };
  if (request.parameters && Object.keys(request.parameters).length > 0) run.parameters = request.parameters;
  return run;
}
