import { STEPS, type StepName } from '../domain/run.js';
import { DEFAULT_ENGINE_SETTINGS, type RetryPolicy } from '../domain/settings.js';
import { LAMBDA_TRANSIENT_ERRORS, RETRYABLE_ERROR } from './step-protocol.js';

/** The steps whose Task is entered only after a Wait (every poll of a running query); their Tasks invoke the poll function. */
export const POLLED_STEPS: ReadonlySet<StepName> = new Set(['awaitQuery']);

/**
 * The first step, where a run waits for the runs stored before it and, with
 * `dependsOn`, for its upstreams (start-gate.ts): its Task may answer a Wait
 * and is entered again after it. A run that need not wait never enters the
 * Wait state.
 */
export const GATED_STEP: StepName = STEPS[0];

/**
 * The only way back in the step list: a poll that finds its query lost (its
 * engine restarted) starts it again. Every other move goes forward, so the
 * only loop is StartQuery → Wait → AwaitQuery → StartQuery, through a Wait.
 */
const WAYS_BACK: Readonly<Partial<Record<StepName, readonly StepName[]>>> = { awaitQuery: ['startQuery'] };

/** State names: one Task per step, named after it (`Retrieve`, `AwaitQuery`, …). */
export const taskStateName = (step: StepName): string => step[0]!.toUpperCase() + step.slice(1);
export const waitStateName = (step: StepName): string => `WaitBefore${taskStateName(step)}`;
export const RECORD_STATE = taskStateName('record');
export const STATE = {
  cancelled: 'RunCancelled',
  timedOut: 'RunTimedOut',
  unexpected: 'UnexpectedAnswer',
  outcome: 'Outcome',
  succeeded: 'Succeeded',
  failed: 'Failed',
  endCancelled: 'Cancelled',
  endTimedOut: 'TimedOut',
  recordFailed: 'RecordFailed',
} as const;

/** The error names the Fail end states give the execution, per run outcome. */
export const EXECUTION_ERRORS = {
  failed: 'adp.RunFailed',
  cancelled: 'adp.RunCancelled',
  timed_out: 'adp.RunTimedOut',
  recordFailed: 'adp.RecordFailed',
} as const;

/** Options of {@link stateMachineDefinition}. */
export interface StateMachineOptions {
  /** ARN of the run-step Lambda function every Task invokes (every Task but the polls, when `pollFunctionArn` is given). */
  readonly runStepFunctionArn: string;
  /**
   * ARN of the function the polls ({@link POLLED_STEPS}: `AwaitQuery`)
   * invoke: the same run-step handler deployed with less memory, since a
   * poll mostly sleeps between calls of the engine and is billed per
   * GB-second. The run-step function when not given.
   */
  readonly pollFunctionArn?: string;
  /** Retry of retryable step errors; the engine's default (4 attempts, 2 s, ×1.5) unless given. */
  readonly retry?: RetryPolicy;
}

type State = Record<string, unknown>;

/**
 * The Step Functions definition (Amazon States Language) of a run, generated
 * from the step list: one Task per step, each invoking the run-step Lambda
 * with `{executionName, step, caught}` and keeping its answer at `$.move`;
 * after each, a Choice routes on the answer. Every path ends in the one
 * `Record` Task, then in an end state that tells the run's outcome (a
 * failed, cancelled or timed-out run ends the execution FAILED):
 * - a poll is always entered through a Wait of the seconds the previous
 *   answer asked for (`SecondsPath`), so there is no loop without a Wait;
 *   so is the first step again, when a run waits at the start gate;
 * - Retry only on {@link RETRYABLE_ERROR} and Lambda's transient errors;
 * - Catch on every Task before `Record` to `Record`, with the error at
 *   `$.caught` (so a failure of any step, even one the Lambda never
 *   reported, still ends in one history record);
 * - explicit branches for a run cancelled or timed out on its way to `Record`.
 *
 * The execution's input is `{"executionName": "…", "caught": null}`.
 */
export function stateMachineDefinition(options: StateMachineOptions): Record<string, unknown> {
  const retry = options.retry ?? DEFAULT_ENGINE_SETTINGS.retry;
  const retriers = [
    {
      ErrorEquals: [RETRYABLE_ERROR],
      IntervalSeconds: Math.max(1, Math.round(retry.intervalMs / 1000)),
      // Step Functions counts retries, the engine attempts: the first attempt is not a retry.
      MaxAttempts: Math.max(0, retry.maxAttempts - 1),
      BackoffRate: retry.backoffRate,
    },
    { ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 },
  ];
  const task = (step: StepName, next: string, extra: State = {}): State => ({
    Type: 'Task',
    Resource: POLLED_STEPS.has(step) ? (options.pollFunctionArn ?? options.runStepFunctionArn) : options.runStepFunctionArn,
    Parameters: { 'executionName.$': '$.executionName', step, 'caught.$': '$.caught' },
    ResultPath: '$.move',
    Retry: retriers,
    Next: next,
    ...extra,
  });
  const states: Record<string, State> = {};
  for (const step of STEPS) {
    if (step === 'record') continue;
    states[taskStateName(step)] = task(step, `After${taskStateName(step)}`, {
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: RECORD_STATE }],
    });
    states[`After${taskStateName(step)}`] = route(step);
    if (POLLED_STEPS.has(step) || step === GATED_STEP) {
      states[waitStateName(step)] = { Type: 'Wait', SecondsPath: '$.move.seconds', Next: taskStateName(step) };
    }
  }
  states[STATE.cancelled] = { Type: 'Pass', Comment: 'The run was cancelled (by a user, or the engine reported CANCELLED).', Next: RECORD_STATE };
  states[STATE.timedOut] = { Type: 'Pass', Comment: 'The query ran past timeoutSeconds and was stopped.', Next: RECORD_STATE };
  states[STATE.unexpected] = {
    Type: 'Pass',
    Comment: 'An answer no rule routes: recorded as a failure rather than left running.',
    Result: { Error: 'adp.UnexpectedAnswer', Cause: 'the run-step function answered a move this state machine does not route' },
    ResultPath: '$.caught',
    Next: RECORD_STATE,
  };
  states[RECORD_STATE] = task('record', STATE.outcome, {
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: STATE.recordFailed }],
  });
  states[STATE.outcome] = {
    Type: 'Choice',
    Choices: [
      { Variable: '$.move.status', StringEquals: 'succeeded', Next: STATE.succeeded },
      { Variable: '$.move.status', StringEquals: 'skipped', Next: STATE.succeeded },
      { Variable: '$.move.status', StringEquals: 'cancelled', Next: STATE.endCancelled },
      { Variable: '$.move.status', StringEquals: 'timed_out', Next: STATE.endTimedOut },
    ],
    Default: STATE.failed,
  };
  states[STATE.succeeded] = { Type: 'Succeed' };
  states[STATE.failed] = { Type: 'Fail', Error: EXECUTION_ERRORS.failed, CausePath: '$.move.cause' };
  states[STATE.endCancelled] = { Type: 'Fail', Error: EXECUTION_ERRORS.cancelled, CausePath: '$.move.cause' };
  states[STATE.endTimedOut] = { Type: 'Fail', Error: EXECUTION_ERRORS.timed_out, CausePath: '$.move.cause' };
  states[STATE.recordFailed] = {
    Type: 'Fail',
    Comment: 'The history record could not be written even after retries: the run stays open for the next execution to finish.',
    Error: EXECUTION_ERRORS.recordFailed,
    CausePath: '$.caught.Cause',
  };
  return {
    Comment: 'adp run: the engine steps, one Lambda task each (generated from the step list; do not edit)',
    StartAt: taskStateName(STEPS[0]),
    States: states,
  };
}

/** The Choice after `step`'s Task: where each answer goes. */
function route(step: StepName): State {
  const is = (field: string, value: string) => ({ Variable: `$.move.${field}`, StringEquals: value });
  const choices: State[] = [];
  if (POLLED_STEPS.has(step) || step === GATED_STEP) choices.push({ And: [is('kind', 'wait'), is('step', step)], Next: waitStateName(step) });
  choices.push({ ...is('kind', 'done'), Next: RECORD_STATE });
  choices.push({ And: [is('step', 'record'), is('failure', 'cancelled')], Next: STATE.cancelled });
  choices.push({ And: [is('step', 'record'), is('failure', 'timed_out')], Next: STATE.timedOut });
  const forward = STEPS.slice(STEPS.indexOf(step) + 1);
  for (const target of [...(WAYS_BACK[step] ?? []), ...forward]) {
    const next = POLLED_STEPS.has(target) ? waitStateName(target) : taskStateName(target);
    choices.push({ And: [is('kind', 'step'), is('step', target)], Next: next });
  }
  return { Type: 'Choice', Choices: choices, Default: STATE.unexpected };
}
