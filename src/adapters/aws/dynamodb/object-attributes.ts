import type { ObjectAttributes } from '../../../ports/state-store.js';
import type { Tables } from './retry-conflicts.js';
import { keys } from './table-layout.js';

/** Replaces both maps of an object (like an S3 REPLACE copy plus PutObjectTagging). */
export async function putAttributes(t: Tables, bucket: string, key: string, attributes: ObjectAttributes): Promise<void> {
  await t.db.put(t.names.state, { ...keys.object(bucket, key), metadata: attributes.metadata, tags: attributes.tags });
}

/** An object's metadata and tags, or undefined. */
export async function getAttributes(t: Tables, bucket: string, key: string): Promise<ObjectAttributes | undefined> {
  const item = await t.db.get(t.names.state, keys.object(bucket, key));
  return item && { metadata: (item.metadata ?? {}) as Record<string, string>, tags: (item.tags ?? {}) as Record<string, string> };
}

/** Deleting attributes that do not exist is not an error. */
export async function deleteAttributes(t: Tables, bucket: string, key: string): Promise<void> {
  await t.db.delete(t.names.state, keys.object(bucket, key));
}
