import type { TerminalStatus } from '../domain/history.js';
import type { StepName } from '../domain/run.js';

/** The error name a run-step task fails with when the step may succeed if invoked again; the state machine retries only these (and Lambda's own transient errors). */
export const RETRYABLE_ERROR = 'adp.Retryable';

/** Lambda service errors that mean the invocation did not happen or its answer was lost: safe to retry, every step being idempotent. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** The longest Wait the state machine is asked for between two polls. */
export const MAX_WAIT_SECONDS = 300;

/** An error a Task caught, as Step Functions hands it over (`Catch` with `ResultPath: $.caught`). */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: string;
}

/** What the state machine passes each run-step invocation. */
export interface StepInput {
  readonly executionName: string;
  /** The step this Task state stands for; an invocation finding the run elsewhere only reports where it is. */
  readonly step: StepName;
  /** On the record Task: the error a previous Task failed with, or null. */
  readonly caught?: CaughtError | null;
}

/**
 * What a run-step invocation answers (the Task's `$.move`). Every field is
 * always present, since a Choice rule on a missing path fails the execution.
 * - `step`: run `step` next (after a Wait of `seconds` when it is a poll);
 *   `failure` says how a run sent to `record` is to end (`''`: not failed).
 * - `wait`: poll `step` again after `seconds`.
 * - `done`: the run has its record with `status`, `error`, `cause`.
 */
export interface StepAnswer {
  readonly kind: 'step' | 'wait' | 'done';
  readonly step: StepName;
  readonly failure: '' | 'failed' | 'cancelled' | 'timed_out';
  readonly seconds: number;
  readonly status: '' | TerminalStatus;
  readonly error: string;
  readonly cause: string;
}

/** Whole seconds of a wait, within what the state machine is asked to wait. */
export function waitSeconds(ms: number): number {
  return Math.min(MAX_WAIT_SECONDS, Math.max(0, Math.ceil(ms / 1000)));
}
