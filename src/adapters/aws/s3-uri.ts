/** A bucket and key, as an `s3://bucket/key` URI names them. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

const S3_URI = /^s3[an]?:\/\/([^/]+)(?:\/(.*))?$/;

/**
 * The bucket and key of an `s3://` URI (Glue locations may also say `s3a://`
 * or `s3n://`); undefined for anything else. The key is `''` for a bare bucket.
 *
 * @example
 * parseS3Uri('s3://athena-results/adp/q-1.csv') // { bucket: 'athena-results', key: 'adp/q-1.csv' }
 */
export function parseS3Uri(uri: string): S3Location | undefined {
  const m = S3_URI.exec(uri.trim());
  if (!m) return undefined;
  return { bucket: m[1]!, key: m[2] ?? '' };
}

/**
 * `s3://bucket/key`, the form Athena, Glue and the history records use.
 *
 * @example
 * s3Uri('curated', 'wildrydes/out.csv') // 's3://curated/wildrydes/out.csv'
 */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
