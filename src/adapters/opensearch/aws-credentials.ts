import { EnvironmentError } from '../../domain/errors.js';

/** AWS credentials as the request signer takes them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Where a signer gets (and refreshes) its credentials. */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

/**
 * The AWS SDK's default credential chain (environment, shared config and SSO
 * profiles, web identity, container and instance roles), loaded on first use
 * and memoised by the SDK until the credentials expire. A chain that finds
 * nothing is an EnvironmentError that says where credentials come from.
 *
 * @example
 * const credentials = defaultAwsCredentials('the OpenSearch sink');
 * const { accessKeyId } = await credentials();
 */
export function defaultAwsCredentials(forWhat: string): AwsCredentialsProvider {
  let provider: Promise<AwsCredentialsProvider> | undefined;
  return async () => {
    provider ??= import('@aws-sdk/credential-provider-node').then((m) => m.defaultProvider());
    try {
      return await (await provider)();
    } catch (error) {
      throw new EnvironmentError(
        `no AWS credentials for ${forWhat} (${(error as Error).message}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role`,
        { cause: error },
      );
    }
  };
}
