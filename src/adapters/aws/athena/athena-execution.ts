import type { QueryExecution } from '@aws-sdk/client-athena';
import { EnvironmentError, QueryFailedError, TransientError } from '../../../domain/errors.js';
import { sha256Hex } from '../../../domain/sha256.js';
import type { QueryState } from '../../../ports/query-engine.js';
import { parseS3Uri, type S3Location } from '../s3-uri.js';

const STATES: ReadonlySet<string> = new Set(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Athena's `ClientRequestToken` (32–128 characters) for the `attempt`-th
 * query of one idempotency key: the SHA-256 hex of the key (of `key#n` from
 * the second attempt on). The same key always gives the same token, so a
 * retried start re-attaches to the query the first one launched.
 *
 * @example
 * clientRequestToken('20270104100000K3QZ8A_wildrydes_rydebooking', 1).length // 64
 */
export function clientRequestToken(idempotencyKey: string, attempt: number): string {
  return sha256Hex(attempt === 1 ? idempotencyKey : `${idempotencyKey}#${attempt}`);
}

/** The port's state of an execution (Athena's five states are the port's). */
export function executionState(execution: QueryExecution | undefined): QueryState {
  const state = execution?.Status?.State ?? 'QUEUED';
  return STATES.has(state) ? (state as QueryState) : 'RUNNING';
}

/** Reasons of a throttled query (Athena's own limits, or S3's `Slow Down` while reading), from before `AthenaError` existed too. */
const THROTTLED = /throttl|rate exceeded|too many (?:requests|queries)|slow ?down|TooManyRequestsException/i;

/**
 * True when Athena failed the query for a reason that may pass: it says so
 * (`AthenaError.Retryable`), or the reason is throttling, which Athena does
 * not always flag.
 */
export function failedRetryably(execution: QueryExecution | undefined): boolean {
  if (executionState(execution) !== 'FAILED') return false;
  const status = execution?.Status;
  return status?.AthenaError?.Retryable === true || THROTTLED.test(status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? '');
}

/** Reasons of a query refused its data or its result bucket (S3, Lake Formation, KMS): the setup must change, not the SQL. */
const DENIED = /access denied|accessdenied|not authorized|insufficient (?:lake formation )?permissions?|permission denied/i;

/**
 * The error of a FAILED execution, in Athena's words (`StateChangeReason`):
 * a TransientError when Athena says a new run may succeed (the engine then
 * starts the query again), an EnvironmentError when the query was refused
 * access to its tables or result bucket, else a QueryFailedError.
 */
export function executionError(id: string, execution: QueryExecution | undefined): Error {
  const status = execution?.Status;
  const reason = status?.StateChangeReason || status?.AthenaError?.ErrorMessage || 'Athena gave no reason';
  if (failedRetryably(execution)) return new TransientError(`Athena query ${id} failed and may succeed if run again: ${reason}`);
  if (DENIED.test(reason)) {
    return new EnvironmentError(`Athena query ${id} was refused access: ${reason}; check the IAM (and Lake Formation) permissions on its tables and on the result bucket`);
  }
  return new QueryFailedError(`Athena query ${id} failed: ${reason}`);
}

/** Where a SUCCEEDED execution wrote its result (`ResultConfiguration.OutputLocation`, the file's own `s3://` URI). */
export function resultLocation(id: string, execution: QueryExecution | undefined): S3Location {
  const uri = execution?.ResultConfiguration?.OutputLocation ?? '';
  const location = parseS3Uri(uri);
  if (!location || location.key === '') throw new QueryFailedError(`Athena query ${id} succeeded but reported no result file (OutputLocation '${uri}')`);
  return location;
}

/** Statistics Athena reports on an execution, as the port names them. */
export function executionStatistics(execution: QueryExecution | undefined): { dataScannedBytes?: number; engineExecutionTimeMs?: number } {
  const stats = execution?.Statistics;
  return {
    ...(stats?.DataScannedInBytes !== undefined ? { dataScannedBytes: stats.DataScannedInBytes } : {}),
    ...(stats?.EngineExecutionTimeInMillis !== undefined ? { engineExecutionTimeMs: stats.EngineExecutionTimeInMillis } : {}),
  };
}
