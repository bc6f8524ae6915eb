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
  /**
   * Publish only if no object is at `to`; otherwise throw ObjectExistsError
   * and change nothing there. The check and the write are one atomic step:
   * of concurrent publishes to one key, exactly one succeeds and the others
   * get ObjectExistsError. S3: a conditional write, `If-None-Match: *` on the
   * PutObject or CompleteMultipartUpload (a copy goes through UploadPartCopy),
   * whose 412 becomes ObjectExistsError; local folders: link(2), which fails
   * with EEXIST.
   *
   * Repeating an interrupted publish of the same source succeeds where the
   * store can tell the object at `to` is that source (local: the same file).
   * Where it cannot, it throws ObjectExistsError like for any other object,
   * and the caller recognises its own by the metadata it attached (written
   * with the object on S3; locally before a moved source is removed).
   *
   * @example
   * try {
   *   await store.publish(raw, { bucket: 'curated', key: 'out/report20270104100000.csv' }, attributes, { ifAbsent: true });
   * } catch (e) {
   *   if (e instanceof ObjectExistsError) // another writer has that key: choose another one
   * }
   */
  readonly ifAbsent?: boolean;
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
   * previous ones. With `ifAbsent`, an existing object at `to` is never
   * replaced (ObjectExistsError instead). NotFoundError if `from` is missing.
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
