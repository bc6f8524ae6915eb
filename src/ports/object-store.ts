export interface ObjectInfo {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** What a folder publish wrote: its keys (relative to the folder, sorted) and their total size. */
export interface FolderInfo {
  readonly bucket: string;
  readonly prefix: string;
  readonly keys: readonly string[];
  readonly size: number;
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
  /** The bucket and key a URI of {@link uri}'s form names in this store; undefined for another store's URI or one that escapes its bucket. */
  locate(uri: string): { bucket: string; key: string } | undefined;
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
  /**
   * Publishes a whole folder (a partitioned output: data files, `_manifest.json`,
   * `_SUCCESS`) so readers see all of it or none of it. Prefixes end with `/`.
   * Every object gets `attributes`. With `ifAbsent`, a non-empty folder at
   * `to` is never replaced (ObjectExistsError); without it, the old folder is
   * replaced whole. Local folders: the folder is staged beside `to` (or the
   * source moved) and renamed into place; a replace renames the old folder
   * away first, so for an instant nothing is there, never a mix. S3 has no
   * multi-object commit: `_SUCCESS` is removed first and copied last, so a
   * reader that waits for `_SUCCESS` and reads the files `_manifest.json`
   * lists sees one whole folder; a listing during the copy may see part of it.
   */
  publishFolder(
    from: { bucket: string; prefix: string },
    to: { bucket: string; prefix: string },
    attributes: { metadata: Record<string, string>; tags: Record<string, string> },
    options?: PublishOptions,
  ): Promise<FolderInfo>;
  /** Deletes if present. */
  delete(bucket: string, key: string): Promise<void>;
  list(bucket: string, prefix: string): Promise<string[]>;
  getText(bucket: string, key: string): Promise<string>;
  /**
   * Bytes `start` up to (not including) `end` of an object, cut at its end:
   * fewer bytes (or none) when the object is shorter. Reads only that range
   * (S3: a ranged GET), so a preview of a large file costs what it shows.
   * NotFoundError if the object is missing.
   */
  readRange(bucket: string, key: string, start: number, end: number): Promise<Uint8Array>;
  putText(bucket: string, key: string, body: string): Promise<void>;
}
