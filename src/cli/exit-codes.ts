import { environmentErrorOf } from '../domain/environment-errors.js';
import { AdpError, OverlapSkippedError, ValidationError } from '../domain/errors.js';

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_USAGE = 2;
/** A run was not started: another run of the curation is active and its overlap is skip. */
export const EXIT_NOT_STARTED = 3;

/** One place that maps errors to exit codes and the lines a person reads. */
export function reportError(thrown: unknown, stderr: (line: string) => void): number {
  const error = thrown instanceof AdpError ? thrown : (environmentErrorOf(thrown) ?? thrown);
  if (error instanceof ValidationError) {
    for (const issue of error.issues) stderr(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    return EXIT_USAGE;
  }
  if (error instanceof OverlapSkippedError) {
    stderr(`adp: ${error.message}`);
    return EXIT_NOT_STARTED;
  }
  if (error instanceof AdpError) {
    stderr(`adp: ${error.message}`);
    return error.isUserError ? EXIT_USAGE : EXIT_RUN_FAILED;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr(`adp: internal error: ${message.split('\n')[0]}`);
  if (process.env.ADP_DEBUG && error instanceof Error && error.stack) stderr(error.stack);
  return EXIT_RUN_FAILED;
}

/** A usage problem with a command-line argument, named. */
export class UsageError extends AdpError {
  readonly code = 'USAGE';
  override readonly isUserError = true;
}
