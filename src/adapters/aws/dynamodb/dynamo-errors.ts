import { EnvironmentError, TransientError } from '../../../domain/errors.js';

/** The fields of an AWS SDK error this adapter looks at. */
interface SdkErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Errors DynamoDB raises when asked too often or when it is briefly unwell: worth another try later. */
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Errors that say the credentials or permissions are wrong: a retry will not help. */
const REFUSED = new Set(['UnrecognizedClientException', 'AccessDeniedException', 'InvalidSignatureException', 'ExpiredTokenException', 'MissingAuthenticationToken']);

/** Socket-level failures (no answer from the endpoint at all). */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

function asSdkError(e: unknown): SdkErrorLike {
  return typeof e === 'object' && e !== null ? (e as SdkErrorLike) : {};
}

/** True for the error a single conditional write raises when its condition does not hold. */
export function isConditionFailed(e: unknown): boolean {
  return asSdkError(e).name === 'ConditionalCheckFailedException';
}

/** The per-item codes of a cancelled transaction (`None`, `ConditionalCheckFailed`, `TransactionConflict`, ...), or undefined for other errors. */
export function cancellationCodes(e: unknown): string[] | undefined {
  const err = asSdkError(e) as SdkErrorLike & { CancellationReasons?: { Code?: string }[] };
  if (err.name !== 'TransactionCanceledException') return undefined;
  return (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/**
 * Turns an SDK error into the engine's typed errors: throttling and
 * service hiccups into TransientError (the step is retried), a missing
 * table into EnvironmentError saying to run `adp migrate`, refused
 * credentials and unreachable endpoints into EnvironmentError /
 * TransientError naming what to check. Anything else is returned as is.
 */
export function toAdapterError(e: unknown, context: { table?: string; endpoint: string }): unknown {
  const err = asSdkError(e);
  const name = err.name ?? '';
  const detail = err.message ?? String(e);
  if (name === 'ResourceNotFoundException') {
    const table = context.table ? `table '${context.table}'` : 'a table adp needs';
    return new EnvironmentError(
      `DynamoDB ${table} does not exist at ${context.endpoint}: run \`adp migrate\` (or \`adp init --driver aws\`) to create adp's tables`,
      { cause: e },
    );
  }
  if (TRANSIENT.has(name) || (err.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new TransientError(`DynamoDB is busy or briefly unavailable (${name || 'error'}: ${detail}); the operation can be retried`, { cause: e });
  }
  if (REFUSED.has(name)) {
    return new EnvironmentError(
      `DynamoDB at ${context.endpoint} refused the request (${name}: ${detail}): check the AWS credentials, region and IAM permissions`,
      { cause: e },
    );
  }
  if (NETWORK.has(err.code ?? '') || NETWORK.has(name)) {
    return new TransientError(`cannot reach DynamoDB at ${context.endpoint} (${err.code ?? name}): check the endpoint, region and network`, { cause: e });
  }
  return e;
}
