import { NotFoundError } from '../domain/errors.js';
import type { HistoryRecord } from '../domain/history.js';
import { STEPS, type RunState, type StepName } from '../domain/run.js';
import type { EngineDeps } from './engine-deps.js';
import { failureFor } from './failure.js';
import { isRetryable, retryDelayMs } from './retry.js';
import { STEP_LIBRARY } from './steps/index.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'timed_out', 'skipped']);

function following(step: StepName): StepName {
  return STEPS[STEPS.indexOf(step) + 1] ?? 'record';
}

/**
 * Executes a run from its persisted step to its terminal history record.
 * The run is saved before every step, so a process that dies mid-way leaves
 * a run another process can resume from the same step (re-attaching to its
 * query). Returns the run's one history record.
 */
export async function executeRun(deps: EngineDeps, executionName: string): Promise<HistoryRecord> {
  let run = await deps.state.getRun(executionName);
  if (!run) throw new NotFoundError('run', executionName);
  if (!TERMINAL.has(run.status)) {
    const now = deps.clock.now().toISOString();
    run = { ...run, status: 'running', startedAt: run.startedAt ?? now, leaseOwner: deps.workerId };
    run = await save(deps, run);
    while (run.status === 'running') run = await advance(deps, run);
  }
  const recorded = await deps.state.getHistoryRecord(executionName);
  if (!recorded) throw new NotFoundError('history record', executionName);
  return recorded;
}

async function advance(deps: EngineDeps, run: RunState): Promise<RunState> {
  const step = run.step;
  try {
    const result = await STEP_LIBRARY[step](deps, run);
    if (step === 'record') {
      return { ...run, status: result.context.failure?.status ?? 'succeeded', context: result.context };
    }
    emit(deps, run, `${step} done`);
    return save(deps, { ...run, context: result.context, step: result.next ?? following(step), attempt: 1 });
  } catch (error) {
    if (step !== 'record' && isRetryable(error) && run.attempt < deps.settings.retry.maxAttempts) {
      emit(deps, run, `${step} attempt ${run.attempt} failed (${(error as Error).message}); retrying`);
      await deps.clock.sleep(retryDelayMs(deps.settings.retry, run.attempt));
      const retries = (run.context.retries ?? 0) + 1;
      return save(deps, { ...run, attempt: run.attempt + 1, context: { ...run.context, retries } });
    }
    if (step === 'record') throw error;
    emit(deps, run, `${step} failed: ${(error as Error).message}`);
    return save(deps, { ...run, step: 'record', attempt: 1, context: { ...run.context, failure: failureFor(step, error) } });
  }
}

async function save(deps: EngineDeps, run: RunState): Promise<RunState> {
  const saved = { ...run, updatedAt: deps.clock.now().toISOString() };
  await deps.state.saveRun(saved);
  return saved;
}

function emit(deps: EngineDeps, run: RunState, message: string): void {
  deps.onEvent?.({ executionName: run.executionName, curationType: run.curationType, message });
}
