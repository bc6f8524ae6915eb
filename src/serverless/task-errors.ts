import { AdpError } from '../domain/errors.js';
import { RETRYABLE_ERROR, type CaughtError } from './step-protocol.js';

/**
 * Thrown by a run-step task whose step failed in a way another invocation
 * may not: its `name` is what the state machine's Retry matches (the attempt
 * is already counted and saved by the engine).
 */
export class RetryableTaskError extends AdpError {
  readonly code = 'STEP_RETRYABLE';
  override readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = RETRYABLE_ERROR;
  }
}

/**
 * A Task that failed outside the step library (a Lambda timeout, a retry
 * budget spent, an invocation that crashed), as Step Functions reported it:
 * the error name it gave (`States.Timeout`, `Lambda.ServiceException`, …) is
 * the record's `errorType`, the Lambda's message its `errorMessage`.
 */
export class TaskFailedError extends AdpError {
  readonly code = 'TASK_FAILED';
  constructor(caught: CaughtError) {
    super(causeMessage(caught));
    this.name = caught.Error;
  }
}

/** The message inside a Lambda error's Cause (a JSON object with errorMessage), else the Cause itself. */
function causeMessage(caught: CaughtError): string {
  const cause = caught.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: Step Functions' own errors carry plain text.
  }
  return cause || `task failed with ${caught.Error}`;
}
