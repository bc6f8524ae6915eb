import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { EnvironmentError, NotFoundError, ObjectExistsError } from '../../../domain/errors.js';
import type { FolderInfo, ObjectInfo, ObjectStore, PublishOptions } from '../../../ports/object-store.js';
import { SUCCESS_NAME } from '../../../domain/output-options.js';
import { parseS3Uri, s3Uri, type S3Location } from '../s3-uri.js';
import { s3Error } from './s3-errors.js';
import { copyInParts } from './s3-multipart-copy.js';
import { copySource, type S3Connection, type WriteAttributes } from './s3-sdk.js';

/** CopyObject copies at most 5 GiB; larger objects are copied in parts. */
const COPY_OBJECT_LIMIT = 5 * 1024 ** 3;
const DEFAULT_PART_SIZE = 512 * 1024 ** 2;
const DEFAULT_COPY_CONCURRENCY = 4;

/**
 * How `publish` with `ifAbsent` keeps an existing object:
 * - `native` (default): a conditional write, `If-None-Match: *` on CopyObject
 *   or CompleteMultipartUpload. Atomic: S3 answers 412 if anything is there.
 * - `check-then-write`: HeadObject, then the unconditional copy, for
 *   S3-compatible stores that ignore the condition (s3rver 3.7 does). NOT
 *   atomic: two writers that both find the key free both write, the last wins.
 */
export type ConditionalWrites = 'native' | 'check-then-write';

/** Options of {@link S3ObjectStore}. */
export interface S3ObjectStoreOptions {
  /** A client to use instead of creating one (e.g. shared by adapters); the store never destroys it. */
  readonly client?: S3Client;
  /** Added to the client the store creates; region, credentials and endpoint otherwise come from the SDK's standard chain (`AWS_REGION`, `AWS_ENDPOINT_URL_S3`, profiles, …). */
  readonly clientConfig?: S3ClientConfig;
  /** An explicit endpoint, e.g. `http://127.0.0.1:4568` for an emulator. */
  readonly endpoint?: string;
  /** Path-style URLs (`host/bucket/key`); default: on when an endpoint is configured (option, clientConfig, `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`). */
  readonly forcePathStyle?: boolean;
  /** SSE-KMS key id or ARN for every object the store writes; S3's default encryption otherwise. */
  readonly kmsKeyId?: string;
  /** Objects larger than this are published with a multipart UploadPartCopy; default 5 GiB, CopyObject's limit. */
  readonly multipartThresholdBytes?: number;
  /** Part size of a multipart copy; default 512 MiB, raised to stay within 10,000 parts. S3 requires at least 5 MiB for all but the last part. */
  readonly partSizeBytes?: number;
  /** UploadPartCopy requests in flight at once; default 4. */
  readonly copyConcurrency?: number;
  /** Keys per ListObjectsV2 page (MaxKeys); S3's default 1000. */
  readonly listPageSize?: number;
  /** See {@link ConditionalWrites}; default `native`. */
  readonly conditionalWrites?: ConditionalWrites;
}

/**
 * The object store on Amazon S3 (AWS SDK v3, loaded on first use; one client
 * per store). `publish` is a server-side CopyObject with `MetadataDirective:
 * REPLACE` carrying the metadata (a multipart UploadPartCopy above 5 GiB),
 * then PutObjectTagging (the copy also asks for the tags, but S3 emulators
 * ignore that header); a `move` deletes the source afterwards. Every write
 * can use an SSE-KMS key. Errors name the bucket: a missing one is a
 * NotFoundError, a refused identity an EnvironmentError, throttling a
 * TransientError.
 *
 * @example
 * const store = new S3ObjectStore({ kmsKeyId: 'alias/curation' });
 * await store.publish({ bucket: 'athena-results', key: 'adp/q-1.csv' }, { bucket: 'curated', key: 'wildrydes/out.csv' }, { metadata: { creator: 'Eunice' }, tags: { pii: 'FALSE' } }, { move: true });
 */
export class S3ObjectStore implements ObjectStore {
  readonly #options: S3ObjectStoreOptions;
  #connection?: Promise<S3Connection>;

  constructor(options: S3ObjectStoreOptions = {}) {
    this.#options = options;
  }

  /** `s3://bucket/key`. */
  uri(bucket: string, key: string): string {
    return s3Uri(bucket, key);
  }

  locate(uri: string): { bucket: string; key: string } | undefined {
    const location = parseS3Uri(uri);
    return location && location.key !== '' ? location : undefined;
  }

  async bucketExists(bucket: string): Promise<boolean> {
    const { sdk, client } = await this.#s3();
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }));
      return true;
    } catch (e) {
      const mapped = s3Error(e, 'HeadBucket', { bucket });
      if (mapped instanceof NotFoundError) return false;
      throw mapped;
    }
  }

  /** Creates the bucket in the client's region; a bucket this account already owns is fine. */
  async createBucket(bucket: string): Promise<void> {
    const { sdk, client } = await this.#s3();
    const region = await client.config.region();
    try {
      await client.send(
        new sdk.CreateBucketCommand({
          Bucket: bucket,
          ...(region && region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}),
        }),
      );
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'BucketAlreadyOwnedByYou') return;
      // S3 says "already exists" whoever owns it: ours if we may look at it.
      if (name === 'BucketAlreadyExists' && (await this.bucketExists(bucket).catch(() => false))) return;
      if (name === 'BucketAlreadyExists') {
        throw new EnvironmentError(`bucket '${bucket}' already exists in another account: bucket names are global, choose another`, { cause: e });
      }
      throw s3Error(e, 'CreateBucket', { bucket });
    }
  }

  /** Size, user metadata and tags; undefined if there is no such object (or bucket). */
  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const { sdk, client } = await this.#s3();
    try {
      const [object, tagging] = await Promise.all([
        client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key })),
        client.send(new sdk.GetObjectTaggingCommand({ Bucket: bucket, Key: key })),
      ]);
      const tags = Object.fromEntries((tagging.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      return { bucket, key, size: object.ContentLength ?? 0, metadata: { ...(object.Metadata ?? {}) }, tags };
    } catch (e) {
      const mapped = s3Error(e, 'HeadObject', { bucket, key });
      if (mapped instanceof NotFoundError) return undefined;
      throw mapped;
    }
  }

  /**
   * Server-side copy with the metadata replaced, then the tags; CopyObject and
   * CompleteMultipartUpload are atomic, so readers of `to` see the old object
   * or the whole new one. With `ifAbsent` (and a different source), see
   * {@link ConditionalWrites}. `move` deletes the source once `to` is complete.
   */
  async publish(
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
    attributes: { metadata: Record<string, string>; tags: Record<string, string> },
    options: PublishOptions = {},
  ): Promise<ObjectInfo> {
    const s3 = await this.#s3();
    const { sdk, client } = s3;
    const source = await this.#headSource(s3, from);
    const samePlace = from.bucket === to.bucket && from.key === to.key;
    const conditional = options.ifAbsent === true && !samePlace;
    const mode = this.#options.conditionalWrites ?? 'native';
    if (conditional && mode === 'check-then-write' && (await this.head(to.bucket, to.key))) {
      throw new ObjectExistsError(to.bucket, to.key);
    }
    const write: WriteAttributes = {
      Metadata: { ...attributes.metadata },
      ...(source.contentType ? { ContentType: source.contentType } : {}),
      ...this.#encryption(),
      ...(conditional && mode === 'native' ? { IfNoneMatch: '*' as const } : {}),
    };
    const Tagging = new URLSearchParams(attributes.tags).toString();
    try {
      const threshold = this.#options.multipartThresholdBytes ?? COPY_OBJECT_LIMIT;
      if (source.size > threshold && source.size > 0) {
        await copyInParts(s3, from, to, source.size, { ...write, Tagging }, {
          partSize: this.#options.partSizeBytes ?? DEFAULT_PART_SIZE,
          concurrency: this.#options.copyConcurrency ?? DEFAULT_COPY_CONCURRENCY,
        });
      } else {
        await client.send(
          new sdk.CopyObjectCommand({
            Bucket: to.bucket,
            Key: to.key,
            CopySource: copySource(from.bucket, from.key),
            MetadataDirective: 'REPLACE',
            TaggingDirective: 'REPLACE',
            Tagging,
            ...write,
          }),
        );
      }
    } catch (e) {
      throw s3Error(e, 'CopyObject', to);
    }
    await this.#putTags(s3, to, attributes.tags);
    if (options.move && !samePlace) await this.delete(from.bucket, from.key);
    return { bucket: to.bucket, key: to.key, size: source.size, metadata: { ...attributes.metadata }, tags: { ...attributes.tags } };
  }

  /**
   * S3 cannot commit several objects at once. The folder is published so a
   * reader that trusts only `_SUCCESS` (and reads the files `_manifest.json`
   * lists) sees one whole folder: the source prefix is the staging area;
   * `_SUCCESS` at `to` is deleted first, every other object copied (each
   * atomically, with the attributes), objects of the old folder the new one
   * lacks deleted, and `_SUCCESS` copied last (conditionally with `ifAbsent`).
   * `ifAbsent` refuses a folder that holds anything (checked before copying:
   * of two writers racing for one empty folder, both may copy; only one
   * `_SUCCESS` write wins where conditional writes work). `move` deletes the
   * source objects at the end.
   */
  async publishFolder(
    from: { bucket: string; prefix: string },
    to: { bucket: string; prefix: string },
    attributes: { metadata: Record<string, string>; tags: Record<string, string> },
    options: PublishOptions = {},
  ): Promise<FolderInfo> {
    const sources = (await this.list(from.bucket, from.prefix)).map((k) => k.slice(from.prefix.length)).sort();
    if (sources.length === 0) throw new NotFoundError('folder', `${from.bucket}/${from.prefix}`);
    const existing = (await this.list(to.bucket, to.prefix)).map((k) => k.slice(to.prefix.length));
    if (options.ifAbsent && existing.length > 0) throw new ObjectExistsError(to.bucket, to.prefix);
    await this.delete(to.bucket, `${to.prefix}${SUCCESS_NAME}`);
    let size = 0;
    const copy = async (rel: string, ifAbsent: boolean) => {
      const info = await this.publish({ bucket: from.bucket, key: `${from.prefix}${rel}` }, { bucket: to.bucket, key: `${to.prefix}${rel}` }, attributes, { ifAbsent });
      size += info.size;
    };
    const body = sources.filter((rel) => rel !== SUCCESS_NAME);
    for (let i = 0; i < body.length; i += DEFAULT_COPY_CONCURRENCY) {
      await Promise.all(body.slice(i, i + DEFAULT_COPY_CONCURRENCY).map((rel) => copy(rel, false)));
    }
    const kept = new Set(sources);
    for (const rel of existing) if (!kept.has(rel)) await this.delete(to.bucket, `${to.prefix}${rel}`);
    if (kept.has(SUCCESS_NAME)) await copy(SUCCESS_NAME, options.ifAbsent === true);
    if (options.move) for (const rel of sources) await this.delete(from.bucket, `${from.prefix}${rel}`);
    return { bucket: to.bucket, prefix: to.prefix, keys: sources, size };
  }

  /** Deletes if present; a missing bucket holds nothing to delete. */
  async delete(bucket: string, key: string): Promise<void> {
    const { sdk, client } = await this.#s3();
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
      const mapped = s3Error(e, 'DeleteObject', { bucket, key });
      if (mapped instanceof NotFoundError) return;
      throw mapped;
    }
  }

  /** Every key starting with `prefix`, in S3's (UTF-8 binary) order, over as many ListObjectsV2 pages as it takes. */
  async list(bucket: string, prefix: string): Promise<string[]> {
    const { sdk, client } = await this.#s3();
    const keys: string[] = [];
    let token: string | undefined;
    do {
      try {
        const page = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : {}),
            ...(this.#options.listPageSize ? { MaxKeys: this.#options.listPageSize } : {}),
          }),
        );
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } catch (e) {
        throw s3Error(e, 'ListObjectsV2', { bucket });
      }
    } while (token);
    return keys;
  }

  async getText(bucket: string, key: string): Promise<string> {
    const { sdk, client } = await this.#s3();
    try {
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await object.Body?.transformToString('utf-8')) ?? '';
    } catch (e) {
      throw s3Error(e, 'GetObject', { bucket, key });
    }
  }

  /** A ranged GetObject; a range that starts at or past the end is an empty answer, not S3's 416. */
  async readRange(bucket: string, key: string, start: number, end: number): Promise<Uint8Array> {
    if (end <= start) {
      if (!(await this.head(bucket, key))) throw new NotFoundError('object', `${bucket}/${key}`);
      return new Uint8Array();
    }
    const { sdk, client } = await this.#s3();
    try {
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
      return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (e) {
      // A range that starts at or past the end: S3 answers 416, some S3-compatible servers drop the connection.
      const info = await this.head(bucket, key).catch(() => undefined);
      if (info && start >= info.size) return new Uint8Array();
      throw s3Error(e, 'GetObject', { bucket, key });
    }
  }

  /** A plain PutObject (UTF-8 text), encrypted with the store's KMS key if it has one. */
  async putText(bucket: string, key: string, body: string): Promise<void> {
    const { sdk, client } = await this.#s3();
    try {
      await client.send(
        // The length given, so an empty body is not taken for a stream of unknown length.
        new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: Buffer.byteLength(body), ContentType: 'text/plain; charset=utf-8', ...this.#encryption() }),
      );
    } catch (e) {
      throw s3Error(e, 'PutObject', { bucket, key });
    }
  }

  /** Destroys the client the store created (an injected one is left to its owner). */
  async close(): Promise<void> {
    const opened = this.#connection;
    this.#connection = undefined;
    if (opened && !this.#options.client) (await opened).client.destroy();
  }

  async #headSource(s3: S3Connection, from: S3Location): Promise<{ size: number; contentType: string | undefined }> {
    try {
      const head = await s3.client.send(new s3.sdk.HeadObjectCommand({ Bucket: from.bucket, Key: from.key }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType };
    } catch (e) {
      throw s3Error(e, 'HeadObject', from);
    }
  }

  async #putTags(s3: S3Connection, to: S3Location, tags: Record<string, string>): Promise<void> {
    const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    try {
      await s3.client.send(new s3.sdk.PutObjectTaggingCommand({ Bucket: to.bucket, Key: to.key, Tagging: { TagSet } }));
    } catch (e) {
      throw s3Error(e, 'PutObjectTagging', to);
    }
  }

  #encryption(): Pick<WriteAttributes, 'ServerSideEncryption' | 'SSEKMSKeyId'> {
    const keyId = this.#options.kmsKeyId;
    return keyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId } : {};
  }

  #s3(): Promise<S3Connection> {
    return (this.#connection ??= this.#open());
  }

  async #open(): Promise<S3Connection> {
    const sdk = await import('./s3-commands.js');
    const o = this.#options;
    if (o.client) return { sdk, client: o.client };
    const endpoint = o.endpoint ?? o.clientConfig?.endpoint;
    const configuredEndpoint = endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    const client = new sdk.S3Client({
      // Without these, streamed bodies reach S3 emulators with their aws-chunked framing; S3 itself needs them only where it requires a checksum.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      forcePathStyle: o.forcePathStyle ?? configuredEndpoint !== undefined,
      ...o.clientConfig,
      ...(endpoint !== undefined ? { endpoint } : {}),
    });
    return { sdk, client };
  }
}
