import { AdpError, EnvironmentError, QueryFailedError, TransientError } from '../../../domain/errors.js';
import { awsErrorFacts } from '../aws-errors.js';

/** True when Athena says it does not know a query execution id. */
export function isUnknownQuery(error: unknown): boolean {
  const facts = awsErrorFacts(error);
  return facts.name === 'InvalidRequestException' && /not found|does not exist|was not found/i.test(facts.message);
}

/**
 * Maps an SDK error of one Athena request to the engine's typed errors: a
 * refused identity is an EnvironmentError, throttling (`TooManyRequestsException`,
 * `ThrottlingException`) and service faults a TransientError, a refused
 * request (`InvalidRequestException`: no such database, no output location,
 * a workgroup that does not exist) a QueryFailedError with Athena's words.
 *
 * @example
 * throw athenaError(e, 'StartQueryExecution');
 */
export function athenaError(error: unknown, operation: string): AdpError {
  if (error instanceof AdpError) return error;
  const facts = awsErrorFacts(error);
  const cause = { cause: error };
  if (facts.denied) {
    return new EnvironmentError(`Athena refused ${operation} (${facts.name}: ${facts.message}): check the credentials, the region, the workgroup and the IAM policy`, cause);
  }
  if (facts.retryable) return new TransientError(`Athena ${operation} failed (${facts.name}: ${facts.message}); it is retried`, cause);
  return new QueryFailedError(`Athena refused ${operation}: ${facts.message}`, cause);
}
