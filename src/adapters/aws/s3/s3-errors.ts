import { AdpError, EnvironmentError, NotFoundError, ObjectExistsError, TransientError, ValidationError } from '../../../domain/errors.js';
import { awsErrorFacts } from '../aws-errors.js';

/** The object a failed S3 request was about. */
export interface S3Target {
  readonly bucket: string;
  readonly key?: string;
}

/**
 * Maps an SDK error of one S3 request to the engine's typed errors, naming
 * the bucket (and key): a missing bucket or key is a NotFoundError, a
 * refused identity an EnvironmentError, throttling and server faults a
 * TransientError, a failed `If-None-Match: *` an ObjectExistsError, refused
 * tags or metadata a ValidationError. Anything else is returned unchanged.
 *
 * @example
 * try { await send(new HeadBucketCommand({ Bucket })) } catch (e) { throw s3Error(e, 'HeadBucket', { bucket: Bucket }) }
 */
export function s3Error(error: unknown, operation: string, target: S3Target): unknown {
  if (error instanceof AdpError) return error;
  const facts = awsErrorFacts(error);
  const cause = { cause: error };
  const where = target.key === undefined ? `bucket '${target.bucket}'` : `'${target.key}' in bucket '${target.bucket}'`;
  if (facts.name === 'NoSuchBucket') {
    return new NotFoundError('bucket', target.bucket, 'create it first, or check the bucket name and the region');
  }
  if (facts.name === 'NoSuchKey' || (facts.status === 404 && target.key !== undefined)) {
    return new NotFoundError('object', `${target.bucket}/${target.key}`);
  }
  if (facts.status === 404 && facts.name === 'NotFound') {
    return new NotFoundError('bucket', target.bucket, 'create it first, or check the bucket name and the region');
  }
  if (facts.name === 'PreconditionFailed' || facts.status === 412) {
    return new ObjectExistsError(target.bucket, target.key ?? '');
  }
  if (facts.denied) {
    return new EnvironmentError(
      `S3 refused ${operation} on ${where} (${facts.name}: ${facts.message}): check the credentials, the region and the bucket's policy`,
      cause,
    );
  }
  if (facts.retryable) {
    return new TransientError(`S3 ${operation} on ${where} failed (${facts.name}: ${facts.message}); it is retried`, cause);
  }
  if (/^(InvalidTag|MetadataTooLarge|KeyTooLongError|InvalidArgument)$/.test(facts.name)) {
    return new ValidationError([{ path: target.key ?? target.bucket, message: `S3 refused ${operation} on ${where}: ${facts.message}` }]);
  }
  return error;
}
