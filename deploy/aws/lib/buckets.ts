import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { DeployOptions } from './deploy-options.js';

export interface AdpBucketsProps {
  readonly options: DeployOptions;
  readonly key?: kms.IKey;
}

/**
 * Athena's result bucket and the curated (output) bucket: the existing
 * ones named in the options, else new ones (no public access, TLS only,
 * SSE-KMS with the key when given, kept on stack deletion; raw results
 * expire after 30 days, the engine deletes most of them at once).
 */
export class AdpBuckets extends Construct {
  readonly athenaOutput: s3.IBucket;
  readonly curated: s3.IBucket;
  /** Further buckets definitions publish to, and the buckets queried tables live in. */
  readonly outputs: readonly s3.IBucket[];
  readonly data: readonly s3.IBucket[];

  constructor(scope: Construct, id: string, props: AdpBucketsProps) {
    super(scope, id);
    const { options, key } = props;
    const bucket = (name: string, existing: string | undefined, lifecycle: s3.LifecycleRule[]): s3.IBucket =>
      existing
        ? s3.Bucket.fromBucketName(this, name, existing)
        : new s3.Bucket(this, name, {
            blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
            enforceSSL: true,
            objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            ...(key ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true } : { encryption: s3.BucketEncryption.S3_MANAGED }),
            lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }, ...lifecycle],
            removalPolicy: RemovalPolicy.RETAIN,
          });
    this.athenaOutput = bucket('AthenaOutput', options.athenaOutputBucket, [{ expiration: Duration.days(30) }]);
    this.curated = bucket('Curated', options.curatedBucket, []);
    this.outputs = options.outputBuckets.map((name, i) => s3.Bucket.fromBucketName(this, `Output${i}`, name));
    this.data = options.dataBuckets.map((name, i) => s3.Bucket.fromBucketName(this, `Data${i}`, name));
  }
}
