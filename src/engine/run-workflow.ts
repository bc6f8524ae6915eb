import { describeFailure, NotFoundError, QueryCancelledError } from '../domain/errors.js';
import { RUN_STATUSES, type HistoryRecord } from '../domain/history.js';
import { STEPS, type RunState, type StepName } from '../domain/run.js';
import type { EngineDeps } from './engine-deps.js';
import { failureFor } from './failure.js';
import { isRetryable, retryDelayMs } from './retry.js';
import { STEP_LIBRARY } from './steps/index.js';

const TERMINAL: ReadonlySet<string> = new Set(RUN_STATUSES);

function following(step: StepName): StepName {
  return STEPS[STEPS.indexOf(step) + 1] ?? 'record';
}

/** Options of {@link executeRun}. */
export interface ExecuteOptions {
  /**
   * Aborting cancels the run: a running query is told to stop, no further
   * step starts, and the run ends with a `cancelled` history record.
   */
  readonly signal?: AbortSignal;
}

/**
 * Executes a run from its persisted step to its terminal history record.
 * The run is saved before every step, so a process that dies mid-way leaves
 * a run another process can resume from the same step (re-attaching to its
 * query). Returns the run's one history record.
 */
export async function executeRun(deps: EngineDeps, executionName: string, options: ExecuteOptions = {}): Promise<HistoryRecord> {
  let run = await deps.state.getRun(executionName);
  if (!run) throw new NotFoundError('run', executionName);
  if (!TERMINAL.has(run.status)) {
    const now = deps.clock.now().toISOString();
    run = { ...run, status: 'running', startedAt: run.startedAt ?? now, leaseOwner: deps.workerId };
    run = await save(deps, run);
    while (run.status === 'running') run = await advance(deps, run, options.signal);
  }
  const recorded = await deps.state.getHistoryRecord(executionName);
  if (!recorded) throw new NotFoundError('history record', executionName);
  return recorded;
}

async function advance(deps: EngineDeps, run: RunState, signal: AbortSignal | undefined): Promise<RunState> {
  const step = run.step;
  if (signal?.aborted && step !== 'record') return cancel(deps, run);
  try {
    const result = await STEP_LIBRARY[step](deps, run, signal);
    if (step === 'record') {
      return { ...run, status: result.context.failure?.status ?? 'succeeded', context: result.context };
    }
    emit(deps, run, result.note ? `${step}: ${result.note}` : `${step} done`);
    return save(deps, { ...run, context: result.context, step: result.next ?? following(step), attempt: 1 });
  } catch (error) {
    if (step !== 'record' && isRetryable(error) && run.attempt < deps.settings.retry.maxAttempts) {
      emit(deps, run, `${step} attempt ${run.attempt} failed (${(error as Error).message}); retrying`);
      await deps.clock.sleep(retryDelayMs(deps.settings.retry, run.attempt), signal).catch(() => undefined);
      const retries = (run.context.retries ?? 0) + 1;
      return save(deps, { ...run, attempt: run.attempt + 1, context: { ...run.context, retries } });
    }
    if (step === 'record') throw error;
    emit(deps, run, `${step} failed: ${(error as Error).message}`);
    return save(deps, { ...run, step: 'record', attempt: 1, context: { ...run.context, failure: failureFor(step, error) } });
  }
}

/** Stops where the run is: a query still running is told to stop, then the record step writes `cancelled`. */
async function cancel(deps: EngineDeps, run: RunState): Promise<RunState> {
  const queryId = run.context.queryExecutionId;
  if (queryId && run.step === 'awaitQuery') await deps.queries.cancel(queryId).catch(() => undefined);
  const { error, errorCause } = describeFailure(new QueryCancelledError(`run cancelled on request before step ${run.step}`));
  emit(deps, run, `cancelled before ${run.step}`);
  return save(deps, { ...run, step: 'record', attempt: 1, context: { ...run.context, failure: { status: 'cancelled', error, errorCause } } });
}

async function save(deps: EngineDeps, run: RunState): Promise<RunState> {
  const saved = { ...run, updatedAt: deps.clock.now().toISOString() };
  await deps.state.saveRun(saved);
  return saved;
}

function emit(deps: EngineDeps, run: RunState, message: string): void {
  deps.onEvent?.({ executionName: run.executionName, curationType: run.curationType, message });
}
