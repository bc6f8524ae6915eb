import { describeFailure, LeaseLostError, NotFoundError, QueryCancelledError } from '../domain/errors.js';
import { RUN_STATUSES, type HistoryRecord } from '../domain/history.js';
import { STEPS, type RunContext, type RunState, type StepName } from '../domain/run.js';
import type { EngineDeps } from './engine-deps.js';
import { failureFor } from './failure.js';
import { isRetryable, retryDelayMs } from './retry.js';
import { STEP_LIBRARY, type StepResult } from './steps/index.js';
import { RunLog } from './run-log.js';
import { clipText } from '../domain/run-events.js';

const TERMINAL: ReadonlySet<string> = new Set(RUN_STATUSES);

/** How long a cancelled query is given to report its end before the record is written. */
const CANCEL_SETTLE_MS = 1000;

function following(step: StepName): StepName {
  return STEPS[STEPS.indexOf(step) + 1] ?? 'record';
}

/** Why a run is to be advanced again only later. */
export type WaitReason = 'poll' | 'retry';

/**
 * What comes after one step of a run ({@link advanceRun}).
 * - `step`: run `step` next, at once.
 * - `wait`: run `step` again after `ms` (a query still running, or a
 *   retryable failure backing off); `error` names the failure of a retry.
 * - `done`: the run has its one history record.
 * `failure` on a move to `record` says how the run is about to end.
 */
export type NextMove =
  | { readonly kind: 'step'; readonly step: StepName; readonly failure?: NonNullable<RunContext['failure']>['status'] }
  | { readonly kind: 'wait'; readonly step: StepName; readonly ms: number; readonly reason: WaitReason; readonly error?: Error }
  | { readonly kind: 'done'; readonly record: HistoryRecord };

/** Options of {@link advanceRun} and {@link executeRun}. */
export interface ExecuteOptions {
  /**
   * Aborting cancels the run: a running query is told to stop, no further
   * step starts, and the run ends with a `cancelled` history record.
   */
  readonly signal?: AbortSignal;
  /** Asked before each step: false once another worker took the run over, and this one stops (LeaseLostError). */
  readonly stillHeld?: () => boolean;
}

/** Options of {@link advanceRun}. */
export interface AdvanceOptions extends ExecuteOptions {
  /**
   * Run the persisted step only if it is this one; otherwise answer where the
   * run is without doing anything. A runner that names its steps (a state
   * machine whose Task a retry invoked twice) so never repeats a step that
   * already moved on, nor runs one under another step's name.
   */
  readonly expectStep?: StepName;
}

/**
 * Advances a run by one step: loads it, runs its persisted step, saves the
 * result and answers what comes next. Every runner is a loop over this:
 * {@link executeRun} in a process, one Lambda invocation per call under Step
 * Functions. A run saved after each step can be resumed by any later call,
 * in any process (re-attaching to its query). A failure that can be retried
 * is answered as a wait (the attempt counted and saved first); one that
 * cannot, or the last attempt's, sends the run to `record`.
 */
export async function advanceRun(deps: EngineDeps, executionName: string, options: AdvanceOptions = {}): Promise<NextMove> {
  let run = await deps.state.getRun(executionName);
  if (!run) throw new NotFoundError('run', executionName);
  if (TERMINAL.has(run.status)) return { kind: 'done', record: await recordOf(deps, executionName) };
  if (options.expectStep !== undefined && options.expectStep !== run.step) return moveTo(run);
  const log = new RunLog(deps, run);
  if (run.status !== 'running' || run.leaseOwner !== deps.workerId) {
    const now = deps.clock.now().toISOString();
    const previous = run.status === 'running' ? run.leaseOwner : undefined;
    log.add(
      previous
        ? { kind: 'leaseTakenOver', at: now, worker: deps.workerId, previousWorker: previous }
        : run.status === 'queued'
          ? { kind: 'started', at: now, worker: deps.workerId }
          : undefined,
    );
    run = await save(deps, { ...run, status: 'running', startedAt: run.startedAt ?? now, leaseOwner: deps.workerId, context: log.context(run.context) });
    log.saved();
  }
  const step = run.step;
  const signal = options.signal;
  if (signal?.aborted && step !== 'record') return moveTo(await cancel(deps, run, log, abortReason(signal)));
  log.startStep(step, run.attempt);
  let result: StepResult;
  try {
    result = await STEP_LIBRARY[step](deps, run, signal);
  } catch (error) {
    // Another worker holds the run now: leave every decision about it to that worker.
    if (step === 'record' || error instanceof LeaseLostError) throw error;
    if (isRetryable(error) && run.attempt < deps.settings.retry.maxAttempts) {
      const reason = (error as Error).message;
      const ms = retryDelayMs(deps.settings.retry, run.attempt);
      log.add({ kind: 'retryScheduled', at: log.now(), step, attempt: run.attempt, delayMs: ms, reason: clipText(reason) });
      const retries = (run.context.retries ?? 0) + 1;
      await save(deps, { ...run, attempt: run.attempt + 1, context: log.context({ ...run.context, retries }) });
      return { kind: 'wait', step, ms, reason: 'retry', error: error as Error };
    }
    const failure = failureFor(step, error);
    log.add(log.failed(step, run.attempt, failure));
    return moveTo(await toRecord(deps, { ...run, context: log.context(run.context) }, failure));
  }
  // Saving is outside the step's failure handling: a store that fails here is the runner's problem, not the step's.
  if (step === 'record') return { kind: 'done', record: await recordOf(deps, executionName) };
  const next = result.next ?? following(step);
  if (result.waitMs !== undefined) {
    await save(deps, { ...run, context: log.context(result.context), step: next, attempt: 1 });
    return { kind: 'wait', step: next, ms: result.waitMs, reason: 'poll' };
  }
  if (STEPS.indexOf(next) > STEPS.indexOf(step)) log.add(log.succeeded(step, run.attempt, result));
  else if (next !== step) log.add({ kind: 'retryScheduled', at: log.now(), step, attempt: run.attempt, delayMs: 0, reason: `${result.note ?? 'starting again'} (back to ${next})` });
  else if (result.note) log.add({ kind: 'stepNote', at: log.now(), step, note: clipText(result.note) });
  return moveTo(await save(deps, { ...run, context: log.context(result.context), step: next, attempt: 1 }));
}

/**
 * Executes a run from its persisted step to its terminal history record, in
 * this process: advances it step after step, waiting in between where a
 * step asks to. Returns the run's one history record.
 */
export async function executeRun(deps: EngineDeps, executionName: string, options: ExecuteOptions = {}): Promise<HistoryRecord> {
  const { signal, stillHeld } = options;
  for (;;) {
    if (stillHeld && !stillHeld()) throw new LeaseLostError(executionName);
    const move = await advanceRun(deps, executionName, { signal });
    if (move.kind === 'done') return move.record;
    // An aborted signal ends the wait at once; the next advance then cancels the run.
    if (move.kind === 'wait' && move.ms > 0) await deps.clock.sleep(move.ms, signal).catch(() => undefined);
  }
}

/**
 * Sends a run that has no record yet to its record step with `error` as the
 * failure of the step it was at (unless a failure is already saved): for a
 * runner that saw a step die outside the step library (a Lambda task that
 * timed out, a retry budget spent by the state machine). Idempotent.
 */
export async function failRun(deps: EngineDeps, executionName: string, error: unknown): Promise<void> {
  const run = await deps.state.getRun(executionName);
  if (!run) throw new NotFoundError('run', executionName);
  if (TERMINAL.has(run.status) || (run.step === 'record' && run.context.failure)) return;
  const failure = failureFor(run.step, error);
  const log = new RunLog(deps, run);
  log.add(log.failed(run.step, run.attempt, failure));
  await toRecord(deps, { ...run, context: log.context(run.context) }, failure);
}

function moveTo(run: RunState): NextMove {
  return run.step === 'record' && run.context.failure
    ? { kind: 'step', step: 'record', failure: run.context.failure.status }
    : { kind: 'step', step: run.step };
}

async function recordOf(deps: EngineDeps, executionName: string): Promise<HistoryRecord> {
  const recorded = await deps.state.getHistoryRecord(executionName);
  if (!recorded) throw new NotFoundError('history record', executionName);
  return recorded;
}

function toRecord(deps: EngineDeps, run: RunState, failure: NonNullable<RunContext['failure']>): Promise<RunState> {
  return save(deps, { ...run, step: 'record', attempt: 1, context: { ...run.context, failure } });
}

/** Stops where the run is: a query still running is told to stop, then the record step writes `cancelled`. */
async function cancel(deps: EngineDeps, run: RunState, log: RunLog, reason: string): Promise<RunState> {
  const queryId = run.context.queryExecutionId;
  if (queryId && run.step === 'awaitQuery') {
    await deps.queries.cancel(queryId).catch(() => undefined);
    // So the record is written once the engine too says CANCELLED, where it can tell.
    await deps.queries.waitForEnd?.(queryId, CANCEL_SETTLE_MS).catch(() => undefined);
  }
  const { error, errorCause } = describeFailure(new QueryCancelledError(`run cancelled on request before step ${run.step}`));
  log.add({ kind: 'cancelRequested', at: log.now(), step: run.step, reason: clipText(reason) });
  return toRecord(deps, { ...run, context: log.context(run.context) }, { status: 'cancelled', error, errorCause, step: run.step });
}

async function save(deps: EngineDeps, run: RunState): Promise<RunState> {
  const saved = { ...run, updatedAt: deps.clock.now().toISOString() };
  await deps.state.saveRun(saved);
  return saved;
}

/** Why the signal aborted, as the canceller said (an Error's message or a string reason). */
function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.name !== 'AbortError') return r.message;
  return typeof r === 'string' && r ? r : 'cancel requested';
}
