import { AdpError, EnvironmentError, TransientError, ValidationError } from '../../../domain/errors.js';
import { awsErrorFacts } from '../aws-errors.js';

/** True for Glue's "no such database / table". */
export function isEntityNotFound(error: unknown): boolean {
  return awsErrorFacts(error).name === 'EntityNotFoundException';
}

/**
 * Maps an SDK error of one Glue request to the engine's typed errors, naming
 * what was asked for: a refused identity is an EnvironmentError, throttling
 * and service faults a TransientError, refused input a ValidationError;
 * anything else is returned unchanged.
 *
 * @example
 * throw glueError(e, 'GetTable', 'table wildrydes.rydebookings');
 */
export function glueError(error: unknown, operation: string, subject: string): unknown {
  if (error instanceof AdpError) return error;
  const facts = awsErrorFacts(error);
  const cause = { cause: error };
  if (facts.denied) {
    return new EnvironmentError(`Glue refused ${operation} on ${subject} (${facts.name}: ${facts.message}): check the credentials, the region and the IAM policy`, cause);
  }
  if (facts.retryable) return new TransientError(`Glue ${operation} on ${subject} failed (${facts.name}: ${facts.message}); it is retried`, cause);
  if (facts.name === 'InvalidInputException' || facts.name === 'ValidationException') {
    return new ValidationError([{ path: subject, message: `Glue refused ${operation}: ${facts.message}` }]);
  }
  return error;
}
