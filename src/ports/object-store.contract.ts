import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../domain/errors.js';
import type { ObjectStore } from './object-store.js';

// What every ObjectStore adapter must do with the reads the run page's output
// preview makes, as a vitest suite each backend runs (local folders, S3).

const BUCKET = 'contract-bucket';

/**
 * Declares the suite. `open` returns a store holding an empty bucket named
 * `contract-bucket` (or able to create it); `close` disposes of it.
 */
export function objectStoreContract(name: string, open: () => Promise<ObjectStore>, close: (store: ObjectStore) => Promise<void> = async () => {}): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    beforeEach(async () => {
      store = await open();
      if (!(await store.bucketExists(BUCKET))) await store.createBucket(BUCKET);
    });
    afterEach(async () => {
      await close(store);
    });

    const text = 'id,name\n1,ryde\n2,über\n';
    const bytes = new TextEncoder().encode(text);

    it('reads a range of bytes, cut at the end of the object', async () => {
      await store.putText(BUCKET, 'range/a.csv', text);
      expect(Buffer.from(await store.readRange(BUCKET, 'range/a.csv', 0, 7)).toString()).toBe('id,name');
      expect([...(await store.readRange(BUCKET, 'range/a.csv', 8, 14))]).toEqual([...bytes.subarray(8, 14)]);
      expect([...(await store.readRange(BUCKET, 'range/a.csv', 10, 10_000))]).toEqual([...bytes.subarray(10)]);
      expect(Buffer.from(await store.readRange(BUCKET, 'range/a.csv', 0, 1 << 20)).toString()).toBe(text);
    });

    it('answers an empty range, or one past the end, with no bytes', async () => {
      await store.putText(BUCKET, 'range/b.csv', text);
      expect((await store.readRange(BUCKET, 'range/b.csv', 5, 5)).length).toBe(0);
      expect((await store.readRange(BUCKET, 'range/b.csv', bytes.length, bytes.length + 10)).length).toBe(0);
      expect((await store.readRange(BUCKET, 'range/b.csv', bytes.length + 100, bytes.length + 200)).length).toBe(0);
    });

    it('reads an empty object as no bytes', async () => {
      await store.putText(BUCKET, 'range/empty.csv', '');
      expect((await store.readRange(BUCKET, 'range/empty.csv', 0, 100)).length).toBe(0);
    });

    it('locates the bucket and key of its own URIs, and nothing for foreign ones', async () => {
      for (const key of ['a.csv', 'deep/er/file name.parquet', 'x/_SUCCESS']) {
        expect(store.locate(store.uri(BUCKET, key))).toEqual({ bucket: BUCKET, key });
      }
      expect(store.locate('https://example.com/contract-bucket/a.csv')).toBeUndefined();
      expect(store.locate(store.uri(BUCKET, 'a.csv').replace('contract-bucket/a.csv', 'contract-bucket'))).toBeUndefined();
    });

    it('refuses a missing object with NotFoundError, for any range', async () => {
      await expect(store.readRange(BUCKET, 'range/missing.csv', 0, 10)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.readRange(BUCKET, 'range/missing.csv', 3, 3)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
