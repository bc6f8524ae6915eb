/**
 * Every error the engine raises on purpose is an {@link AdpError}: a stable
 * string `code` that CLI and HTTP map to exit codes and statuses in one place,
 * a message that says what is wrong and what to do, and whether a retry could
 * help.
 */
export abstract class AdpError extends Error {
  abstract readonly code: string;
  /** True when the same call may succeed later (throttling, a busy resource). */
  readonly retryable: boolean = false;
  /** Problems with user input are exit 2 / HTTP 400, never "the run failed". */
  readonly isUserError: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem with one field of some input: `path` is dotted (`outputDetails.outputBucket`). */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** Input failed validation; `issues` names every offending field. */
export class ValidationError extends AdpError {
  readonly code = 'VALIDATION_FAILED';
  override readonly isUserError = true;
  constructor(
    readonly issues: readonly FieldIssue[],
    readonly subject = 'input',
  ) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
  }
}

/** A named thing (curation, run, table, bucket, script) does not exist. */
export class NotFoundError extends AdpError {
  readonly code = 'NOT_FOUND';
  override readonly isUserError = true;
  constructor(
    readonly kind: string,
    readonly id: string,
    hint?: string,
  ) {
    super(`${kind} '${id}' not found${hint ? `: ${hint}` : ''}`);
  }
}

/** The user's SQL tried something the sandbox forbids (other files, writes, settings). */
export class SandboxError extends AdpError {
  readonly code = 'SANDBOX_VIOLATION';
  override readonly isUserError = true;
}

/** The query engine rejected or failed the query (syntax, binder, runtime). */
export class QueryFailedError extends AdpError {
  readonly code = 'QUERY_FAILED';
}

/** The query was cancelled by the engine or by a user. */
export class QueryCancelledError extends AdpError {
  readonly code = 'QUERY_CANCELLED';
}

/** The query ran past `timeoutSeconds` and was stopped. */
export class QueryTimeoutError extends AdpError {
  readonly code = 'QUERY_TIMEOUT';
}

/** A blocking quality check failed on the query's result: nothing was published. */
export class QualityCheckFailedError extends AdpError {
  readonly code = 'QUALITY_CHECK_FAILED';
}

/** A transient failure: the step is retried with backoff. */
export class TransientError extends AdpError {
  readonly code = 'TRANSIENT';
  override readonly retryable = true;
}

/** A configuration file is missing or wrong; the message names the file and field. */
export class ConfigError extends AdpError {
  readonly code = 'CONFIG_INVALID';
  override readonly isUserError = true;
}

/** A key, path or name tries to leave the place it belongs to. */
export class PathEscapeError extends AdpError {
  readonly code = 'PATH_ESCAPE';
  override readonly isUserError = true;
}

/**
 * An object is already at a key that was to be written only if absent
 * (ObjectStore `publish` with `ifAbsent`): nothing was replaced.
 */
export class ObjectExistsError extends AdpError {
  readonly code = 'OBJECT_EXISTS';
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(`object '${key}' already exists in bucket '${bucket}' and was not replaced: publish under another key`);
  }
}

/** A precondition of the current state is not met (e.g. home not initialised). */
export class StateError extends AdpError {
  readonly code = 'INVALID_STATE';
  override readonly isUserError = true;
}

/**
 * A worker's lease on a run lapsed and another worker took the run over:
 * this worker stops executing it (nothing is recorded by it) so that two
 * workers never both publish one run's output.
 */
export class LeaseLostError extends AdpError {
  readonly code = 'LEASE_LOST';
  constructor(executionName: string) {
    super(`run ${executionName}: its lease passed to another worker, which carries the run on; this worker stopped it here`);
  }
}

/**
 * Something outside adp is missing or refuses it (a database that cannot be
 * reached, a schema not migrated, a port in use): the message says what to
 * do; the CLI exits 2.
 */
export class EnvironmentError extends AdpError {
  readonly code = 'ENVIRONMENT';
  override readonly isUserError = true;
}

/**
 * A run was not started because another run of its curation is active and
 * the curation's `overlap` is `skip`: nothing was stored. Neither a bug nor
 * bad input; the CLI exits 3, the API answers 409.
 */
export class OverlapSkippedError extends AdpError {
  readonly code = 'OVERLAP_SKIPPED';
  constructor(
    readonly curationType: string,
    readonly activeRun: string,
    readonly activeStatus: string,
  ) {
    super(
      `not started: run ${activeRun} of ${curationType} is still ${activeStatus} and the curation's overlap is skip; ` +
        'wait for it to end (adp history), or set "overlap": "queue" or "cancelRunning" in the definition',
    );
  }
}

export function isAdpError(e: unknown): e is AdpError {
  return e instanceof AdpError;
}

/** The short `error` name and `errorCause` of a history record for any thrown value. */
export function describeFailure(e: unknown): { error: string; errorCause: { errorType: string; errorMessage: string } } {
  if (e instanceof AdpError) {
    return { error: e.code, errorCause: { errorType: e.name, errorMessage: e.message } };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { error: 'INTERNAL_ERROR', errorCause: { errorType: err.name || 'Error', errorMessage: err.message.split('\n')[0] ?? '' } };
}
