import { isAdpError } from '../domain/errors.js';
import type { HistoryRecord } from '../domain/history.js';
import { POLL_IN_TASK_MARGIN_SECONDS } from '../domain/serverless-config.js';
import type { PollPolicy } from '../domain/settings.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { pollDelayMs } from '../engine/poll-delays.js';
import { advanceRun, failRun, type NextMove } from '../engine/run-workflow.js';
import type { RunQueue } from '../ports/run-queue.js';
import { GATED_STEP } from './state-machine.js';
import { waitSeconds, type StepAnswer, type StepInput } from './step-protocol.js';
import { RetryableTaskError, TaskFailedError } from './task-errors.js';
import { gateRunStart, type StartGateQueue } from './start-gate.js';

/**
 * Polls under Step Functions: every poll costs a Wait, a Task and a Choice
 * transition plus an invocation, so the first comes after 2 s and the
 * interval doubles up to a minute (the local default polls in milliseconds).
 */
export const STATE_MACHINE_POLL: PollPolicy = { firstMs: 2000, factor: 2, maxMs: 60_000 };

/**
 * Polls within one AwaitQuery invocation (`serverless.pollInTaskSeconds`):
 * prompt for a short query (0.5 s, 0.75 s, …), at most every 5 s after.
 */
export const IN_TASK_POLL: PollPolicy = { firstMs: 500, factor: 1.5, maxMs: 5000 };

/** Turns of a step that names itself (publishOutput picks a name, then publishes) made in one invocation. */
const MAX_TURNS = 8;

/** What one run-step invocation works with: opened once per container. */
export interface RunStepContext {
  readonly deps: EngineDeps;
  /** Cancel requests, and what the start gate waits on (the curation's active runs, its upstreams' scheduled runs). */
  readonly queue: Pick<RunQueue, 'cancelRequests'> & StartGateQueue;
  /** How long an AwaitQuery invocation polls the engine itself before it answers a Wait (0: never). */
  readonly pollInTaskMs: number;
}

/** What runStep reads of Lambda's context object: the time left before the function times out. */
export interface Invocation {
  getRemainingTimeInMillis(): number;
}

/**
 * One run-step invocation: advances the run by its step (the one the Task
 * stands for; a run found elsewhere is only reported) and answers the state
 * machine. A step that names itself runs again here, so the state machine
 * has no loop without a Wait; a requested cancel is honoured before the
 * step (and before each poll). The first step waits at the gate
 * ({@link gateRunStart}) for earlier runs of its curation and, scheduled
 * with `dependsOn`, for its upstreams: a Wait while it must, a `skipped`
 * record when the upstreams will not succeed. An AwaitQuery Task whose query still runs
 * polls it again here ({@link IN_TASK_POLL}) for up to `pollInTaskMs`, never
 * past the function's timeout less the margin, and answers a Wait only
 * then: a 10-minute query costs one Wait round instead of one per poll. An
 * engine that waits within its step (not Athena) may hold the last poll up
 * to one state-machine delay longer. On the record Task, an error a previous Task failed with is saved
 * as the run's failure first. A retryable failure throws
 * {@link RetryableTaskError} for the state machine's Retry to back off.
 */
export async function runStep(ctx: RunStepContext, input: StepInput, invocation?: Invocation): Promise<StepAnswer> {
  const { deps } = ctx;
  const name = input.executionName;
  const pollUntil = deps.clock.now().getTime() + pollBudgetMs(ctx, invocation);
  try {
    if (input.step === 'record' && input.caught) await failRun(deps, name, new TaskFailedError(input.caught));
    let signal = await cancelSignal(ctx, name);
    if (input.step === GATED_STEP && !signal) {
      const gate = await gateRunStart(deps, ctx.queue, name);
      if (gate.kind === 'wait') return { ...NO_ANSWER, kind: 'wait', step: GATED_STEP, seconds: gate.seconds };
    }
    let move = await advanceRun(deps, name, { expectStep: input.step, signal });
    for (let turn = 1; turn < MAX_TURNS && move.kind === 'step' && move.step === input.step && input.step !== 'record'; turn++) {
      move = await advanceRun(deps, name, { expectStep: input.step, signal });
    }
    // A query still running is polled here while the budget lasts; the Wait comes only after.
    for (let poll = 0; move.kind === 'wait' && move.reason === 'poll' && move.step === 'awaitQuery' && input.step === 'awaitQuery'; poll++) {
      const ms = Math.min(pollDelayMs(IN_TASK_POLL, poll), move.ms);
      if (deps.clock.now().getTime() + ms > pollUntil) break;
      await deps.clock.sleep(ms);
      signal ??= await cancelSignal(ctx, name);
      move = await advanceRun(deps, name, { expectStep: 'awaitQuery', signal });
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

/**
 * How long this invocation may poll in the task: the configured budget, but
 * never closer than the margin to the function's timeout.
 */
function pollBudgetMs(ctx: RunStepContext, invocation: Invocation | undefined): number {
  const left = invocation ? invocation.getRemainingTimeInMillis() - POLL_IN_TASK_MARGIN_SECONDS * 1000 : Infinity;
  return Math.max(0, Math.min(ctx.pollInTaskMs, left));
}

async function cancelSignal(ctx: RunStepContext, name: string): Promise<AbortSignal | undefined> {
  return (await ctx.queue.cancelRequests([name])).size > 0 ? AbortSignal.abort('cancel requested') : undefined;
}

const NO_ANSWER = { failure: '', seconds: 0, status: '', error: '', cause: '' } as const;

function answer(move: NextMove, poll: PollPolicy): StepAnswer {
  switch (move.kind) {
    case 'done':
      return { ...NO_ANSWER, kind: 'done', step: 'record', ...outcome(move.record) };
    case 'wait':
      return { ...NO_ANSWER, kind: 'wait', step: move.step, seconds: waitSeconds(move.ms) };
    default:
      return {
        ...NO_ANSWER,
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
