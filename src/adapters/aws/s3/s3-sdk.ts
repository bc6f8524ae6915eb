import type * as S3Sdk from './s3-commands.js';

/** The commands of `@aws-sdk/client-s3` the store sends (./s3-commands.js), loaded on first use so nothing else pays for it. */
export type S3Module = typeof S3Sdk;

/** The SDK module and the one client a store sends every request with. */
export interface S3Connection {
  readonly sdk: S3Module;
  readonly client: S3Sdk.S3Client;
}

/** What a write carries besides the bytes: user metadata, content type, encryption, the condition. */
export interface WriteAttributes {
  readonly Metadata: Record<string, string>;
  readonly ContentType?: string;
  readonly ServerSideEncryption?: 'aws:kms';
  readonly SSEKMSKeyId?: string;
  /** `'*'`: only if no object is at the key (S3 answers 412 otherwise). */
  readonly IfNoneMatch?: '*';
}

/**
 * The `x-amz-copy-source` of an object: bucket and URL-encoded key. `=`, `,`,
 * `:` and `@` stay literal (S3 accepts them; some emulators only undo
 * `decodeURI`), so hive keys such as `year=2027/` copy everywhere.
 *
 * @example
 * copySource('raw', 'year=2027/q 1.csv') // 'raw/year=2027/q%201.csv'
 */
export function copySource(bucket: string, key: string): string {
  const encoded = key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%(3D|2C|3A|40)/g, (m) => decodeURIComponent(m)))
    .join('/');
  return `${bucket}/${encoded}`;
}
