import fs from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, ObjectExistsError, ValidationError } from '../../domain/errors.js';
import type { FolderInfo, ObjectInfo, ObjectStore, PublishOptions } from '../../ports/object-store.js';
import type { StateStore } from '../../ports/state-store.js';
import { STAGING_NAME, linkFileAtomic, linkFileIfAbsent, writeFileAtomic } from './atomic-file.js';
import type { BucketPaths } from './bucket-paths.js';
import { filesUnder, renameFolderIntoPlace } from './folder-publish.js';

/** Where metadata and tags of local files live (the state store); files cannot keep them. */
export type ObjectAttributeStore = Pick<StateStore, 'putObjectAttributes' | 'getObjectAttributes' | 'deleteObjectAttributes'>;

export interface LocalObjectStoreOptions {
  /** Buckets are the folders under `paths.root`. */
  readonly paths: BucketPaths;
  readonly attributes: ObjectAttributeStore;
}

/**
 * S3-style buckets as folders on the local disk (`<home>/buckets/<bucket>/<key>`).
 * Every (bucket, key) goes through {@link BucketPaths}, so no key reaches a
 * file outside its bucket (PathEscapeError). Writes are atomic: a hidden
 * staging file in the destination folder is fsynced and renamed into place,
 * or, for a publish that must not replace anything, linked into place.
 * As on S3, writing into a bucket that does not exist is a NotFoundError.
 *
 * @example
 * const store = new LocalObjectStore({ paths: new BucketPaths(path.join(home, 'buckets')), attributes: stateStore });
 * await store.publish({ bucket: 'raw', key: 'q1.csv' }, { bucket: 'curated', key: 'out/report.csv' }, { metadata: {}, tags: {} });
 */
export class LocalObjectStore implements ObjectStore {
  readonly #paths: BucketPaths;
  readonly #attributes: ObjectAttributeStore;

  constructor(options: LocalObjectStoreOptions) {
    this.#paths = options.paths;
    this.#attributes = options.attributes;
  }

  uri(bucket: string, key: string): string {
    return this.#paths.uri(bucket, key);
  }

  locate(uri: string): { bucket: string; key: string } | undefined {
    return this.#paths.locate(uri);
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return isDirectory(this.#paths.bucketDir(bucket));
  }

  async createBucket(bucket: string): Promise<void> {
    await fs.mkdir(this.#paths.bucketDir(bucket), { recursive: true });
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const stat = await fileStat(this.#paths.filePath(bucket, key));
    if (!stat) return undefined;
    const attrs = await this.#attributes.getObjectAttributes(bucket, key);
    return { bucket, key, size: stat.size, metadata: attrs?.metadata ?? {}, tags: attrs?.tags ?? {} };
  }

  /**
   * Links the source at the target atomically (never a partial file there),
   * records metadata and tags (replacing old ones), then removes a moved
   * source. Replacing: a link staged beside the target and renamed over it.
   * `ifAbsent`: link(2) straight to the target, which fails if anything is
   * there (ObjectExistsError), unless it is this same source: a publish cut
   * off after its link is simply repeated. The source goes last, so once it
   * is gone the target's metadata says whose object it is.
   */
  async publish(
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
    attributes: { metadata: Record<string, string>; tags: Record<string, string> },
    options: PublishOptions = {},
  ): Promise<ObjectInfo> {
    const source = this.#paths.filePath(from.bucket, from.key);
    const target = await this.#writablePath(to.bucket, to.key);
    const found = await fileStat(source);
    if (!found) throw new NotFoundError('object', `${from.bucket}/${from.key}`);
    let size = found.size;
    if (source !== target && options.ifAbsent) {
      const linked = await linkFileIfAbsent(source, target);
      if (linked === undefined) throw new ObjectExistsError(to.bucket, to.key);
      size = linked;
    } else if (source !== target) {
      size = await linkFileAtomic(source, target);
    }
    const stored = { metadata: { ...attributes.metadata }, tags: { ...attributes.tags } };
    await this.#attributes.putObjectAttributes(to.bucket, to.key, stored);
    if (options.move && source !== target) {
      await fs.rm(source, { force: true });
      await this.#attributes.deleteObjectAttributes(from.bucket, from.key);
    }
    return { bucket: to.bucket, key: to.key, size, ...stored };
  }

  /**
   * One rename puts the whole folder in place (see {@link renameFolderIntoPlace}),
   * then every file gets the attributes and those of files the replace
   * dropped are forgotten. A moved source is gone with the rename.
   */
  async publishFolder(
    from: { bucket: string; prefix: string },
    to: { bucket: string; prefix: string },
    attributes: { metadata: Record<string, string>; tags: Record<string, string> },
    options: PublishOptions = {},
  ): Promise<FolderInfo> {
    const source = this.#paths.filePath(from.bucket, folderKey(from.prefix));
    const target = await this.#writablePath(to.bucket, folderKey(to.prefix), true);
    if (!(await isDirectory(source))) throw new NotFoundError('folder', `${from.bucket}/${from.prefix}`);
    const before = (await isDirectory(target)) ? await filesUnder(target) : [];
    if (!(await renameFolderIntoPlace(source, target, options))) throw new ObjectExistsError(to.bucket, to.prefix);
    const keys = await filesUnder(target);
    let size = 0;
    const stored = { metadata: { ...attributes.metadata }, tags: { ...attributes.tags } };
    for (const rel of keys) {
      size += (await fs.stat(path.join(target, rel))).size;
      await this.#attributes.putObjectAttributes(to.bucket, `${to.prefix}${rel}`, stored);
    }
    const kept = new Set(keys);
    for (const rel of before) if (!kept.has(rel)) await this.#attributes.deleteObjectAttributes(to.bucket, `${to.prefix}${rel}`);
    if (options.move) for (const rel of keys) await this.#attributes.deleteObjectAttributes(from.bucket, `${from.prefix}${rel}`);
    return { bucket: to.bucket, prefix: to.prefix, keys, size };
  }

  async delete(bucket: string, key: string): Promise<void> {
    const file = this.#paths.filePath(bucket, key);
    if (await fileStat(file)) {
      await fs.rm(file, { force: true });
    }
    await this.#attributes.deleteObjectAttributes(bucket, key);
  }

  /**
   * Keys starting with `prefix` (a plain string prefix, as on S3, not only a
   * folder), '/'-separated, sorted, without staging files. NotFoundError if the bucket does not exist.
   */
  async list(bucket: string, prefix: string): Promise<string[]> {
    const dir = this.#paths.bucketDir(bucket);
    if (!(await isDirectory(dir))) throw new NotFoundError('bucket', bucket, 'create it first');
    // Walk only the folder the prefix names; checking it through BucketPaths keeps `../` prefixes out.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = folder === '' ? dir : this.#paths.filePath(bucket, folder);
    const keys: string[] = [];
    await walk(start, folder === '' ? '' : `${folder}/`, keys);
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }

  async getText(bucket: string, key: string): Promise<string> {
    const file = this.#paths.filePath(bucket, key);
    try {
      return await fs.readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') throw new NotFoundError('object', `${bucket}/${key}`);
      throw e;
    }
  }

  async readRange(bucket: string, key: string, start: number, end: number): Promise<Uint8Array> {
    const file = this.#paths.filePath(bucket, key);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFoundError('object', `${bucket}/${key}`);
      throw e;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new NotFoundError('object', `${bucket}/${key}`);
      const length = Math.max(0, Math.min(end, stat.size) - start);
      const buffer = Buffer.alloc(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(buffer, read, length - read, start + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return buffer.subarray(0, read);
    } finally {
      await handle.close();
    }
  }

  /** Writes atomically. Like an S3 PUT, the new object has no metadata or tags. */
  async putText(bucket: string, key: string, body: string): Promise<void> {
    const target = await this.#writablePath(bucket, key);
    await writeFileAtomic(target, body);
    await this.#attributes.deleteObjectAttributes(bucket, key);
  }

  /** The file for `key`, its folder created; refuses reserved names, missing buckets and file/folder clashes. */
  async #writablePath(bucket: string, key: string, folder = false): Promise<string> {
    const file = this.#paths.filePath(bucket, key);
    if (STAGING_NAME.test(path.posix.basename(key))) {
      throw new ValidationError([{ path: 'key', message: `'${key}' looks like a staging file name, which is reserved: choose another name` }]);
    }
    if (!(await isDirectory(this.#paths.bucketDir(bucket)))) {
      throw new NotFoundError('bucket', bucket, 'create it first (buckets are folders under the buckets root)');
    }
    // A folder cannot also be a file: S3 allows keys `a` and `a/b` side by side, a disk does not.
    const clash = () =>
      new ValidationError([{ path: 'key', message: `'${key}' clashes with another key in bucket '${bucket}' (a local bucket cannot hold both 'a' and 'a/b')` }]);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw clash();
      throw e;
    }
    if (folder ? await fileStat(file) : await isDirectory(file)) throw clash();
    return file;
  }
}

async function walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw e;
  }
  for (const entry of entries) {
    if (STAGING_NAME.test(entry.name)) continue; // staged files and folders are not objects yet
    if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${keyPrefix}${entry.name}/`, out);
    else if (entry.isFile() && !STAGING_NAME.test(entry.name)) out.push(`${keyPrefix}${entry.name}`);
  }
}

/** A folder prefix `a/b/` as the key of its folder, `a/b`. */
function folderKey(prefix: string): string {
  if (!prefix.endsWith('/')) throw new ValidationError([{ path: 'prefix', message: `folder prefix '${prefix}' must end with '/'` }]);
  return prefix.slice(0, -1);
}

async function fileStat(file: string): Promise<{ size: number } | undefined> {
  try {
    const s = await fs.stat(file);
    return s.isFile() ? { size: s.size } : undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
}
