import path from 'node:path';
import { PathEscapeError } from '../../domain/errors.js';

/**
 * Maps S3-style (bucket, key) pairs to files under one root folder, refusing
 * any key that would land outside its bucket.
 */
export class BucketPaths {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  bucketDir(bucket: string): string {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
      throw new PathEscapeError(`bucket '${bucket}': not a valid bucket name`);
    }
    return path.join(this.root, bucket);
  }

  /** Absolute path of `key` in `bucket`; throws PathEscapeError for keys with "..", absolute keys or NUL. */
  filePath(bucket: string, key: string): string {
    const dir = this.bucketDir(bucket);
    if (key === '' || key.startsWith('/') || key.includes('\0') || key.includes('\\') || key.split('/').some((s) => s === '..' || s === '.')) {
      throw new PathEscapeError(`key '${key}' in bucket '${bucket}': keys must be relative and must not contain "." or ".." segments`);
    }
    const full = path.join(dir, key);
    if (!full.startsWith(dir + path.sep)) {
      throw new PathEscapeError(`key '${key}' escapes bucket '${bucket}'`);
    }
    return full;
  }

  uri(bucket: string, key: string): string {
    return `file://${this.filePath(bucket, key)}`;
  }

  /** The inverse of {@link uri}: undefined for a file outside the root, or a key the buckets refuse. */
  locate(uri: string): { bucket: string; key: string } | undefined {
    const prefix = `file://${this.root}${path.sep}`;
    if (!uri.startsWith(prefix)) return undefined;
    const rest = uri.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    const location = { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
    try {
      this.filePath(location.bucket, location.key);
    } catch {
      return undefined;
    }
    return location;
  }
}
