import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ObjectExistsError, PathEscapeError, ValidationError } from '../../domain/errors.js';
import type { ObjectAttributes } from '../../ports/state-store.js';
import { BucketPaths } from './bucket-paths.js';
import { type ObjectAttributeStore, LocalObjectStore } from './local-object-store.js';

/** Attributes kept in a Map, standing in for the state store's three methods. */
class MemoryAttributes implements ObjectAttributeStore {
  readonly map = new Map<string, ObjectAttributes>();
  failPuts = false;
  async putObjectAttributes(bucket: string, key: string, a: ObjectAttributes): Promise<void> {
    if (this.failPuts) throw new Error('attribute store unavailable');
    this.map.set(`${bucket}/${key}`, structuredClone(a));
  }
  async getObjectAttributes(bucket: string, key: string): Promise<ObjectAttributes | undefined> {
    return this.map.get(`${bucket}/${key}`);
  }
  async deleteObjectAttributes(bucket: string, key: string): Promise<void> {
    this.map.delete(`${bucket}/${key}`);
  }
}

let root: string;
let attrs: MemoryAttributes;
let store: LocalObjectStore;

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
  attrs = new MemoryAttributes();
  store = new LocalObjectStore({ paths: new BucketPaths(root), attributes: attrs });
  await store.createBucket('raw-bucket');
  await store.createBucket('curated');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const none = { metadata: {}, tags: {} };

/** Every file under the root, relative, including hidden ones. */
function allFiles(): string[] {
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}

describe('LocalObjectStore', () => {
  it('creates buckets as folders and reports whether they exist', async () => {
    expect(await store.bucketExists('curated')).toBe(true);
    expect(await store.bucketExists('other-bucket')).toBe(false);
    await store.createBucket('other-bucket');
    await store.createBucket('other-bucket');
    expect(fs.statSync(path.join(root, 'other-bucket')).isDirectory()).toBe(true);
    expect(await store.bucketExists('other-bucket')).toBe(true);
  });

  it('round-trips text, replaces it, and reports size with empty attributes', async () => {
    await store.putText('curated', 'a/b/c.txt', 'héllo');
    expect(await store.getText('curated', 'a/b/c.txt')).toBe('héllo');
    expect(await store.head('curated', 'a/b/c.txt')).toEqual({ bucket: 'curated', key: 'a/b/c.txt', size: 6, metadata: {}, tags: {} });
    await store.putText('curated', 'a/b/c.txt', 'second');
    expect(await store.getText('curated', 'a/b/c.txt')).toBe('second');
    expect(fs.readFileSync(path.join(root, 'curated/a/b/c.txt'), 'utf8')).toBe('second');
    expect(allFiles()).toEqual(['curated/a/b/c.txt']);
  });

  it('reports missing objects and buckets as NotFoundError', async () => {
    expect(await store.head('curated', 'nope.csv')).toBeUndefined();
    expect(await store.head('curated', 'nope/deeper.csv')).toBeUndefined();
    await expect(store.getText('curated', 'nope.csv')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.putText('missing-bucket', 'x.txt', 'x')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.list('missing-bucket', '')).rejects.toBeInstanceOf(NotFoundError);
    await store.putText('curated', 'dir/file.txt', 'x');
    expect(await store.head('curated', 'dir')).toBeUndefined();
    await expect(store.getText('curated', 'dir')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('publishes a copy with metadata and tags that replace the previous ones', async () => {
    await store.putText('raw-bucket', 'adp/q1.csv', 'a,b\n1,2\n');
    const info = await store.publish(
      { bucket: 'raw-bucket', key: 'adp/q1.csv' },
      { bucket: 'curated', key: 'wildrydes/out.csv' },
      { metadata: { creator: 'Eunice' }, tags: { pii: 'FALSE' } },
    );
    expect(info).toEqual({ bucket: 'curated', key: 'wildrydes/out.csv', size: 8, metadata: { creator: 'Eunice' }, tags: { pii: 'FALSE' } });
    expect(await store.getText('curated', 'wildrydes/out.csv')).toBe('a,b\n1,2\n');
    expect(await store.getText('raw-bucket', 'adp/q1.csv')).toBe('a,b\n1,2\n');
    expect(await store.head('curated', 'wildrydes/out.csv')).toEqual(info);

    await store.putText('raw-bucket', 'adp/q2.csv', 'a\n');
    await store.publish({ bucket: 'raw-bucket', key: 'adp/q2.csv' }, { bucket: 'curated', key: 'wildrydes/out.csv' }, { metadata: { quality: 'HIGH' }, tags: {} });
    expect(await store.head('curated', 'wildrydes/out.csv')).toEqual({
      bucket: 'curated', key: 'wildrydes/out.csv', size: 2, metadata: { quality: 'HIGH' }, tags: {},
    });
    expect(allFiles()).toEqual(['curated/wildrydes/out.csv', 'raw-bucket/adp/q1.csv', 'raw-bucket/adp/q2.csv']);
  });

  it('refuses to publish a missing source or into a missing bucket, writing nothing', async () => {
    await expect(store.publish({ bucket: 'raw-bucket', key: 'nope.csv' }, { bucket: 'curated', key: 'x.csv' }, none)).rejects.toBeInstanceOf(NotFoundError);
    await store.putText('raw-bucket', 'q.csv', 'x');
    await expect(store.publish({ bucket: 'raw-bucket', key: 'q.csv' }, { bucket: 'missing-bucket', key: 'x.csv' }, none)).rejects.toBeInstanceOf(NotFoundError);
    expect(allFiles()).toEqual(['raw-bucket/q.csv']);
    expect(attrs.map.size).toBe(0);
  });

  it('surfaces a failure of the attribute store from publish', async () => {
    await store.putText('raw-bucket', 'q.csv', 'x');
    attrs.failPuts = true;
    await expect(store.publish({ bucket: 'raw-bucket', key: 'q.csv' }, { bucket: 'curated', key: 'x.csv' }, none)).rejects.toThrow('attribute store unavailable');
    expect(allFiles().filter((f) => f.endsWith('.staging'))).toEqual([]);
  });

  it('never lets a reader see a partial file while publishing over it', async () => {
    const big = (c: string) => c.repeat(4 * 1024 * 1024);
    await store.putText('raw-bucket', 'a.txt', big('a'));
    await store.putText('raw-bucket', 'b.txt', big('b'));
    const target = path.join(root, 'curated', 'out.txt');
    await store.publish({ bucket: 'raw-bucket', key: 'a.txt' }, { bucket: 'curated', key: 'out.txt' }, none);
    let publishing = true;
    const writer = (async () => {
      for (let i = 0; i < 12; i++) {
        await store.publish({ bucket: 'raw-bucket', key: i % 2 ? 'a.txt' : 'b.txt' }, { bucket: 'curated', key: 'out.txt' }, none);
      }
      publishing = false;
    })();
    let reads = 0;
    while (publishing) {
      const text = fs.readFileSync(target, 'latin1');
      expect(text.length).toBe(4 * 1024 * 1024);
      expect(text[0] === text[text.length - 1]).toBe(true);
      reads++;
      await new Promise((r) => setImmediate(r));
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });

  it('moves: the source and its attributes are gone, the target has the new ones', async () => {
    await store.putText('raw-bucket', 'q.csv', 'a\n1\n');
    await attrs.putObjectAttributes('raw-bucket', 'q.csv', { metadata: { raw: 'yes' }, tags: {} });
    const info = await store.publish({ bucket: 'raw-bucket', key: 'q.csv' }, { bucket: 'curated', key: 'o/x.csv' }, { metadata: { a: 'b' }, tags: {} }, { move: true });
    expect(info).toEqual({ bucket: 'curated', key: 'o/x.csv', size: 4, metadata: { a: 'b' }, tags: {} });
    expect(allFiles()).toEqual(['curated/o/x.csv']);
    expect([...attrs.map.keys()]).toEqual(['curated/o/x.csv']);
  });

  describe('ifAbsent', () => {
    it('of concurrent publishes to one key, exactly one wins; the others change nothing', async () => {
      const sources = ['a', 'b', 'c', 'd', 'e', 'f'];
      for (const s of sources) await store.putText('raw-bucket', `${s}.csv`, `${s}\n`.repeat(1000));
      const results = await Promise.allSettled(
        sources.map((s, i) =>
          store.publish(
            { bucket: 'raw-bucket', key: `${s}.csv` },
            { bucket: 'curated', key: 'out/x.csv' },
            { metadata: { by: s }, tags: {} },
            { ifAbsent: true, move: i % 2 === 0 },
          ),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [sources[i]!] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ObjectExistsError);
      const winner = won[0]!;
      expect(await store.getText('curated', 'out/x.csv')).toBe(`${winner}\n`.repeat(1000));
      expect((await store.head('curated', 'out/x.csv'))?.metadata).toEqual({ by: winner });
      // Losers keep their sources, moved or not; no staging file is left anywhere.
      const movedWinner = sources.indexOf(winner) % 2 === 0;
      expect(allFiles()).toEqual(
        ['curated/out/x.csv', ...sources.filter((s) => !(s === winner && movedWinner)).map((s) => `raw-bucket/${s}.csv`)].sort(),
      );
    });

    it('refuses a key held by another object, even one with the same bytes, and keeps its attributes', async () => {
      await store.putText('raw-bucket', 'mine.csv', 'same\n');
      await store.putText('raw-bucket', 'theirs.csv', 'same\n');
      await store.publish({ bucket: 'raw-bucket', key: 'theirs.csv' }, { bucket: 'curated', key: 'x.csv' }, { metadata: { by: 'them' }, tags: {} }, { ifAbsent: true });
      const attempt = store.publish({ bucket: 'raw-bucket', key: 'mine.csv' }, { bucket: 'curated', key: 'x.csv' }, { metadata: { by: 'me' }, tags: {} }, { ifAbsent: true, move: true });
      await expect(attempt).rejects.toBeInstanceOf(ObjectExistsError);
      await expect(attempt).rejects.toThrow("object 'x.csv' already exists in bucket 'curated'");
      expect((await store.head('curated', 'x.csv'))?.metadata).toEqual({ by: 'them' });
      expect(allFiles()).toEqual(['curated/x.csv', 'raw-bucket/mine.csv', 'raw-bucket/theirs.csv']);
    });

    it('repeating a publish of the same source is idempotent: one object, no second copy', async () => {
      await store.putText('raw-bucket', 'q.csv', 'a\n1\n');
      const args = [{ bucket: 'raw-bucket', key: 'q.csv' }, { bucket: 'curated', key: 'x.csv' }, { metadata: { by: 'run-1' }, tags: {} }] as const;
      const first = await store.publish(...args, { ifAbsent: true });
      expect(await store.publish(...args, { ifAbsent: true })).toEqual(first);
      expect(allFiles()).toEqual(['curated/x.csv', 'raw-bucket/q.csv']);
    });

    it('completes a move cut off after its link, before attributes were written or the source removed', async () => {
      await store.putText('raw-bucket', 'q.csv', 'a\n1\n');
      // What a process killed right after link(2) leaves behind.
      fs.linkSync(path.join(root, 'raw-bucket/q.csv'), path.join(root, 'curated/x.csv'));
      const info = await store.publish({ bucket: 'raw-bucket', key: 'q.csv' }, { bucket: 'curated', key: 'x.csv' }, { metadata: { by: 'run-1' }, tags: {} }, { ifAbsent: true, move: true });
      expect(info).toEqual({ bucket: 'curated', key: 'x.csv', size: 4, metadata: { by: 'run-1' }, tags: {} });
      expect(allFiles()).toEqual(['curated/x.csv']);
      expect(await store.getText('curated', 'x.csv')).toBe('a\n1\n');
    });

    it('publishing an object onto itself is not a conflict', async () => {
      await store.putText('curated', 'q.csv', 'x');
      await expect(store.publish({ bucket: 'curated', key: 'q.csv' }, { bucket: 'curated', key: 'q.csv' }, { metadata: { a: 'b' }, tags: {} }, { ifAbsent: true, move: true })).resolves.toMatchObject({ size: 1, metadata: { a: 'b' } });
      expect(allFiles()).toEqual(['curated/q.csv']);
    });
  });

  it('lists keys recursively, sorted, by string prefix, without staging files', async () => {
    for (const key of ['t/year=2026/month=12/day=02/p.json', 't/year=2026/month=1/day=01/p.json', 't/z.json', 'top.json', 'tail/x.json']) {
      await store.putText('curated', key, '{}');
    }
    fs.writeFileSync(path.join(root, 'curated/t/.z.json.0123456789ab.staging'), 'partial');
    expect(await store.list('curated', '')).toEqual([
      'tail/x.json',
      't/year=2026/month=1/day=01/p.json',
      't/year=2026/month=12/day=02/p.json',
      't/z.json',
      'top.json',
    ].sort());
    expect(await store.list('curated', 't/')).toEqual(['t/year=2026/month=1/day=01/p.json', 't/year=2026/month=12/day=02/p.json', 't/z.json']);
    expect(await store.list('curated', 't/year=2026/month=1')).toEqual(['t/year=2026/month=1/day=01/p.json', 't/year=2026/month=12/day=02/p.json']);
    expect(await store.list('curated', 'ta')).toEqual(['tail/x.json']);
    expect(await store.list('curated', 'nothing/here/')).toEqual([]);
    expect(await store.list('curated', 'top.json/')).toEqual([]);
  });

  it('deletes the file and its attributes, and ignores missing keys', async () => {
    await store.putText('raw-bucket', 'q.csv', 'x');
    await store.publish({ bucket: 'raw-bucket', key: 'q.csv' }, { bucket: 'curated', key: 'o/x.csv' }, { metadata: { a: 'b' }, tags: {} });
    await store.delete('curated', 'o/x.csv');
    expect(await store.head('curated', 'o/x.csv')).toBeUndefined();
    expect(attrs.map.size).toBe(0);
    await expect(store.delete('curated', 'o/x.csv')).resolves.toBeUndefined();
    await expect(store.delete('curated', 'never/was.csv')).resolves.toBeUndefined();
    await expect(store.delete('curated', 'o')).resolves.toBeUndefined();
    expect(fs.existsSync(path.join(root, 'curated/o'))).toBe(true);
  });

  it('gives a new PUT no metadata or tags, as S3 does', async () => {
    await store.putText('raw-bucket', 'q.csv', 'x');
    await store.publish({ bucket: 'raw-bucket', key: 'q.csv' }, { bucket: 'curated', key: 'x.csv' }, { metadata: { a: 'b' }, tags: { t: 'v' } });
    await store.putText('curated', 'x.csv', 'y');
    expect(await store.head('curated', 'x.csv')).toMatchObject({ metadata: {}, tags: {} });
  });

  it('keeps every key inside its bucket', async () => {
    await store.putText('curated', 'ok.txt', 'x');
    const keys = ['../x', '/abs', 'a/../../x', 'a/./b', '', 'a\\..\\x', 'nul\0x'];
    for (const key of keys) {
      await expect(store.getText('curated', key), key).rejects.toBeInstanceOf(PathEscapeError);
      await expect(store.putText('curated', key, 'x'), key).rejects.toBeInstanceOf(PathEscapeError);
      await expect(store.head('curated', key), key).rejects.toBeInstanceOf(PathEscapeError);
      await expect(store.delete('curated', key), key).rejects.toBeInstanceOf(PathEscapeError);
      await expect(store.publish({ bucket: 'curated', key }, { bucket: 'curated', key: 'y' }, none), key).rejects.toBeInstanceOf(PathEscapeError);
      await expect(store.publish({ bucket: 'curated', key: 'ok.txt' }, { bucket: 'curated', key }, none), key).rejects.toBeInstanceOf(PathEscapeError);
      expect(() => store.uri('curated', key), key).toThrow(PathEscapeError);
    }
    for (const bucket of ['..', '.', 'a/b', 'UPPER', '../curated']) {
      await expect(store.getText(bucket, 'ok.txt'), bucket).rejects.toBeInstanceOf(PathEscapeError);
      await expect(store.createBucket(bucket), bucket).rejects.toBeInstanceOf(PathEscapeError);
      await expect(store.bucketExists(bucket), bucket).rejects.toBeInstanceOf(PathEscapeError);
      await expect(store.list(bucket, ''), bucket).rejects.toBeInstanceOf(PathEscapeError);
    }
    for (const prefix of ['../', '../curated/', 'a/../../x/']) {
      await expect(store.list('curated', prefix), prefix).rejects.toBeInstanceOf(PathEscapeError);
    }
    expect(allFiles()).toEqual(['curated/ok.txt']);
  });

  it('refuses staging-like names and file/folder clashes with a ValidationError', async () => {
    await expect(store.putText('curated', 'a/.x.json.0123456789ab.staging', 'x')).rejects.toBeInstanceOf(ValidationError);
    await store.putText('curated', 'a', 'file');
    await expect(store.putText('curated', 'a/b', 'x')).rejects.toBeInstanceOf(ValidationError);
    await store.putText('curated', 'c/d', 'x');
    await expect(store.putText('curated', 'c', 'x')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.publish({ bucket: 'curated', key: 'a' }, { bucket: 'curated', key: 'c' }, none)).rejects.toBeInstanceOf(ValidationError);
  });

  it('gives file URIs of the bucket paths', () => {
    expect(store.uri('curated', 'x/y.csv')).toBe(`file://${path.join(root, 'curated', 'x', 'y.csv')}`);
  });
});
