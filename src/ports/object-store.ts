export interface ObjectInfo {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface PublishOptions {
  /** The source is not needed afterwards: stores that can rename instead of copying do so, and the source is gone. */
  readonly move?: boolean;
}

/** Buckets of keyed objects (S3, or folders under `buckets/`). Keys never escape their bucket. */
export interface ObjectStore {
  /** `file:///…` locally, `s3://bucket/key` on S3. */
  uri(bucket: string, key: string): string;
  bucketExists(bucket: string): Promise<boolean>;
  createBucket(bucket: string): Promise<void>;
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /**
   * Copies `from` to `to` atomically: readers of `to` see the old object or
   * the whole new one, never a partial file. Metadata and tags replace any
   * previous ones.
   */
  publish(
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
    attributes: { metadata: Record<string, string>; tags: Record<string, string> },
    options?: PublishOptions,
  ): Promise<ObjectInfo>;
  /** Deletes if present. */
  delete(bucket: string, key: string): Promise<void>;
  list(bucket: string, prefix: string): Promise<string[]>;
  getText(bucket: string, key: string): Promise<string>;
  putText(bucket: string, key: string, body: string): Promise<void>;
}
