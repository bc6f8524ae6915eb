import type { ObjectAttributes } from '../../ports/state-store.js';
import type { SqliteDatabase } from './connection.js';

interface AttributesRow {
  metadata: string;
  tags: string;
}

/** The `object_attributes` table: S3-style metadata and tags of local objects. */
export class ObjectAttributeTable {
  readonly #put;
  readonly #get;
  readonly #delete;

  constructor(db: SqliteDatabase) {
    this.#put = db.prepare<[string, string, string, string]>(
      `INSERT INTO object_attributes (bucket, key, metadata, tags) VALUES (?, ?, ?, ?)
       ON CONFLICT (bucket, key) DO UPDATE SET metadata = excluded.metadata, tags = excluded.tags`,
    );
    this.#get = db.prepare<[string, string], AttributesRow>('SELECT metadata, tags FROM object_attributes WHERE bucket = ? AND key = ?');
    this.#delete = db.prepare<[string, string]>('DELETE FROM object_attributes WHERE bucket = ? AND key = ?');
  }

  /** Replaces both maps (like an S3 REPLACE copy plus PutObjectTagging). */
  put(bucket: string, key: string, attributes: ObjectAttributes): void {
    this.#put.run(bucket, key, JSON.stringify(attributes.metadata), JSON.stringify(attributes.tags));
  }

  get(bucket: string, key: string): ObjectAttributes | undefined {
    const row = this.#get.get(bucket, key);
    if (!row) return undefined;
    return { metadata: JSON.parse(row.metadata) as Record<string, string>, tags: JSON.parse(row.tags) as Record<string, string> };
  }

  /** Deleting attributes that do not exist is not an error. */
  delete(bucket: string, key: string): void {
    this.#delete.run(bucket, key);
  }
}
