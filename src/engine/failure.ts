import { AdpError, describeFailure } from '../domain/errors.js';
import type { RunContext, StepName } from '../domain/run.js';

/** Steps before the query starts: their failures are the sample's "Failed to start processing". */
const START_STEPS: ReadonlySet<StepName> = new Set(['retrieve', 'validate']);

/** How a step's final failure is written into the run (and then its history record). */
export function failureFor(step: StepName, error: unknown): NonNullable<RunContext['failure']> {
  const { error: name, errorCause } = describeFailure(error);
  const code = error instanceof AdpError ? error.code : undefined;
  const status = code === 'QUERY_TIMEOUT' ? 'timed_out' : code === 'QUERY_CANCELLED' ? 'cancelled' : 'failed';
  return { status, error: START_STEPS.has(step) ? 'Failed to start processing' : name, errorCause, step };
}
