/** What the adapters need to know about an error the AWS SDK threw. */
export interface AwsErrorFacts {
  /** The service's error code (`NoSuchBucket`, `ThrottlingException`, …) or the JavaScript error name. */
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
  /** Throttling, a server fault or a network failure: the same call may succeed later. */
  readonly retryable: boolean;
  /** The caller's identity was refused (or there is none): no retry helps, the setup must change. */
  readonly denied: boolean;
}

const RETRYABLE_NAMES =
  /Throttl|TooManyRequests|SlowDown|RequestLimitExceeded|ServiceUnavailable|InternalServ|InternalError|InternalFailure|RequestTimeout|OperationTimeout|TimeoutError|ConditionalRequestConflict/i;
const DENIED_NAMES =
  /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClient|InvalidClientTokenId|AllAccessDisabled|Forbidden|CredentialsProviderError|InvalidToken/i;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Classifies an SDK error by its code, HTTP status and fault, the same way
 * for every service (S3, Athena, Glue).
 *
 * @example
 * const facts = awsErrorFacts(e);
 * if (facts.retryable) throw new TransientError(`Glue: ${facts.name}: ${facts.message}`, { cause: e });
 */
export function awsErrorFacts(error: unknown): AwsErrorFacts {
  const e = (error ?? {}) as {
    name?: string;
    Code?: string;
    code?: string;
    message?: string;
    $fault?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.Code ?? e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const network = typeof e.code === 'string' && NETWORK_CODES.has(e.code);
  const denied = status === 403 || DENIED_NAMES.test(name);
  const retryable =
    !denied &&
    (network ||
      e.$retryable !== undefined ||
      e.$fault === 'server' ||
      status === 429 ||
      (status !== undefined && status >= 500) ||
      RETRYABLE_NAMES.test(name));
  return { name, message: e.message || name, status, retryable, denied };
}
