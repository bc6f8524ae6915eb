import type { ObjectAttributes } from '../../ports/state-store.js';
import type { Sql } from './database.js';
import { json } from './values.js';

/** Replaces both maps of an object in the `object_attributes` table (like an S3 REPLACE copy plus PutObjectTagging). */
export async function putAttributes(sql: Sql, bucket: string, key: string, attributes: ObjectAttributes): Promise<void> {
  await sql.run(
    `INSERT INTO object_attributes (bucket, key, metadata, tags) VALUES ($1, $2, $3, $4)
     ON CONFLICT (bucket, key) DO UPDATE SET metadata = excluded.metadata, tags = excluded.tags`,
    [bucket, key, json(attributes.metadata), json(attributes.tags)],
  );
}

/** An object's metadata and tags, or undefined. */
export async function getAttributes(sql: Sql, bucket: string, key: string): Promise<ObjectAttributes | undefined> {
  return sql.one<ObjectAttributes>('SELECT metadata, tags FROM object_attributes WHERE bucket = $1 AND key = $2', [bucket, key]);
}

/** Deleting attributes that do not exist is not an error. */
export async function deleteAttributes(sql: Sql, bucket: string, key: string): Promise<void> {
  await sql.run('DELETE FROM object_attributes WHERE bucket = $1 AND key = $2', [bucket, key]);
}
