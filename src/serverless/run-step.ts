import { isAdpError } from '../domain/errors.js';
import type { HistoryRecord } from '../domain/history.js';
import type { PollPolicy } from '../domain/settings.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { pollDelayMs } from '../engine/poll-delays.js';
import { advanceRun, failRun, type NextMove } from '../engine/run-workflow.js';
import type { RunQueue } from '../ports/run-queue.js';
import { waitSeconds, type StepAnswer, type StepInput } from './step-protocol.js';
import { RetryableTaskError, TaskFailedError } from './task-errors.js';

/**
 * Polls under Step Functions: every poll costs a Wait, a Task and a Choice
 * transition plus an invocation, so the first comes after 2 s and the
 * interval doubles up to a minute (the local default polls in milliseconds).
 */
export const STATE_MACHINE_POLL: PollPolicy = { firstMs: 2000, factor: 2, maxMs: 60_000 };

/** Turns of a step that names itself (publishOutput picks a name, then publishes) made in one invocation. */
const MAX_TURNS = 8;

/** What one run-step invocation works with: opened once per container. */
export interface RunStepContext {
  readonly deps: EngineDeps;
  readonly queue: Pick<RunQueue, 'cancelRequests'>;
}

/**
 * One run-step invocation: advances the run by its step (the one the Task
 * stands for; a run found elsewhere is only reported) and answers the state
 * machine. A step that names itself runs again here, so the state machine
 * has no loop without a Wait; a requested cancel is honoured before the
 * step; on the record Task, an error a previous Task failed with is saved
 * as the run's failure first. A retryable failure throws
 * {@link RetryableTaskError} for the state machine's Retry to back off.
 */
export async function runStep(ctx: RunStepContext, input: StepInput): Promise<StepAnswer> {
  const { deps } = ctx;
  const name = input.executionName;
  try {
    if (input.step === 'record' && input.caught) await failRun(deps, name, new TaskFailedError(input.caught));
    const signal = (await ctx.queue.cancelRequests([name])).size > 0 ? AbortSignal.abort('cancel requested') : undefined;
    let move = await advanceRun(deps, name, { expectStep: input.step, signal });
    for (let turn = 1; turn < MAX_TURNS && move.kind === 'step' && move.step === input.step && input.step !== 'record'; turn++) {
      move = await advanceRun(deps, name, { expectStep: input.step, signal });
    }
    if (move.kind === 'wait' && move.reason === 'retry') {
      throw new RetryableTaskError(`${input.step} failed and will be retried: ${move.error?.message ?? 'retryable error'}`, { cause: move.error });
    }
    return answer(move, deps.settings.poll);
  } catch (error) {
    if (error instanceof RetryableTaskError || !(isAdpError(error) && error.retryable)) throw error;
    throw new RetryableTaskError(error.message, { cause: error });
  }
}

function answer(move: NextMove, poll: PollPolicy): StepAnswer {
  const none = { failure: '', seconds: 0, status: '', error: '', cause: '' } as const;
  switch (move.kind) {
    case 'done':
      return { ...none, kind: 'done', step: 'record', ...outcome(move.record) };
    case 'wait':
      return { ...none, kind: 'wait', step: move.step, seconds: waitSeconds(move.ms) };
    default:
      return {
        ...none,
        kind: 'step',
        step: move.step,
        failure: move.failure ?? '',
        seconds: move.step === 'awaitQuery' ? waitSeconds(pollDelayMs(poll, 0)) : 0,
      };
  }
}

function outcome(record: HistoryRecord): Pick<StepAnswer, 'status' | 'error' | 'cause'> {
  return {
    status: record.status ?? (record.error ? 'failed' : 'succeeded'),
    error: record.error ?? '',
    cause: record.errorCause?.errorMessage ?? '',
  };
}
