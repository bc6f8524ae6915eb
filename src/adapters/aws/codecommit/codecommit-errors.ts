import { type AdpError, EnvironmentError, TransientError } from '../../../domain/errors.js';
import { isNetworkError, isRetryableStatus } from '../../../domain/notify/delivery-error.js';

/** What was being asked of CodeCommit, for the message. */
export interface CodeCommitCall {
  readonly operation: 'GetRepository' | 'GetBranch' | 'GetFile';
  readonly repositoryName: string;
  readonly region: string;
  readonly branch?: string;
}

interface SdkError {
  name?: string;
  message?: string;
  $fault?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const TRANSIENT = /Throttl|TooManyRequests|RequestLimitExceeded|Timeout|ServiceUnavailable|InternalFailure|InternalError|EncryptionKeyUnavailable|EncryptionIntegrityChecksFailed/;
const ACCESS = /AccessDenied|UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|InvalidClientTokenId|MissingAuthenticationToken|CredentialsProvider|EncryptionKeyAccessDenied|EncryptionKeyDisabled|EncryptionKeyNotFound/;

/**
 * A failed CodeCommit call as a typed error that names the repository (and
 * branch) and says what to do: throttling, server faults and network trouble
 * are transient; a missing repository or branch and refused credentials are
 * not. Missing files and commits are the caller's to report.
 */
export function codeCommitError(error: unknown, call: CodeCommitCall): AdpError {
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const where = `CodeCommit repository '${call.repositoryName}' (${call.region})`;
  const status = e.$metadata?.httpStatusCode;
  if (name === 'RepositoryDoesNotExistException') {
    return new EnvironmentError(`${where} does not exist: create it, or configure the scripts repository's name and region`, { cause: error });
  }
  if (name === 'BranchDoesNotExistException') {
    return new EnvironmentError(`branch '${call.branch ?? '?'}' does not exist in ${where}: push your scripts to it, or configure the branch to read`, { cause: error });
  }
  if (TRANSIENT.test(name) || e.$fault === 'server' || e.$retryable !== undefined || (status !== undefined && isRetryableStatus(status)) || isNetworkError(error)) {
    return new TransientError(`${call.operation} on ${where} failed for now (${name}: ${oneLine(e.message)}): the read is retried`, { cause: error });
  }
  if (ACCESS.test(name) || status === 401 || status === 403) {
    return new EnvironmentError(
      `${where} refused ${call.operation} (${name}): check the AWS credentials, and that they allow codecommit:GetRepository, codecommit:GetBranch and codecommit:GetFile`,
      { cause: error },
    );
  }
  return new EnvironmentError(`${call.operation} on ${where} failed: ${name}: ${oneLine(e.message)}`, { cause: error });
}

function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
}
