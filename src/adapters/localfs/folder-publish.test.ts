import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectExistsError } from '../../domain/errors.js';
import type { ObjectAttributes } from '../../ports/state-store.js';
import { stagingPathFor } from './atomic-file.js';
import { BucketPaths } from './bucket-paths.js';
import { renameFolderIntoPlace } from './folder-publish.js';
import { LocalObjectStore, type ObjectAttributeStore } from './local-object-store.js';

class MemoryAttributes implements ObjectAttributeStore {
  readonly map = new Map<string, ObjectAttributes>();
  async putObjectAttributes(bucket: string, key: string, a: ObjectAttributes): Promise<void> {
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
let store: LocalObjectStore;
let attrs: MemoryAttributes;
const bucketDir = (b: string) => path.join(root, b);

/** A partitioned folder as the engine leaves it: data files, manifest, _SUCCESS. */
function folder(at: string, tag: string): void {
  for (const p of ['k=a/data_0.parquet', 'k=b/data_0.parquet']) {
    fs.mkdirSync(path.dirname(path.join(at, p)), { recursive: true });
    fs.writeFileSync(path.join(at, p), `${tag}:${p}`);
  }
  fs.writeFileSync(path.join(at, '_manifest.json'), JSON.stringify({ tag }));
  fs.writeFileSync(path.join(at, '_SUCCESS'), '');
}

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-folders-'));
  attrs = new MemoryAttributes();
  store = new LocalObjectStore({ paths: new BucketPaths(root), attributes: attrs });
  await store.createBucket('raw');
  await store.createBucket('out');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('publishing a partitioned folder on local folders', () => {
  it('a folder cut off while staged (a publish killed halfway) is invisible: no key is listed', async () => {
    // What a crash leaves: the linked copy half made in its hidden staging folder beside the target.
    const staged = stagingPathFor(path.join(bucketDir('out'), 'sales', 'daily'));
    fs.mkdirSync(path.join(staged, 'k=a'), { recursive: true });
    fs.writeFileSync(path.join(staged, 'k=a', 'data_0.parquet'), 'half');
    expect(await store.list('out', '')).toEqual([]);
    expect(await store.list('out', 'sales/')).toEqual([]);
  });

  it('publishes the whole folder with attributes on every object; a moved source is gone', async () => {
    folder(path.join(bucketDir('raw'), 'q1'), 'one');
    const info = await store.publishFolder({ bucket: 'raw', prefix: 'q1/' }, { bucket: 'out', prefix: 'sales/daily/' }, { metadata: { m: '1' }, tags: { t: 'x' } }, { move: true, ifAbsent: true });
    expect(info.keys).toEqual(['_SUCCESS', '_manifest.json', 'k=a/data_0.parquet', 'k=b/data_0.parquet']);
    expect(await store.list('out', 'sales/daily/')).toEqual(info.keys.map((k) => `sales/daily/${k}`));
    expect((await store.head('out', 'sales/daily/k=b/data_0.parquet'))?.metadata).toEqual({ m: '1' });
    expect(fs.existsSync(path.join(bucketDir('raw'), 'q1'))).toBe(false);
  });

  it('ifAbsent never touches a folder that is there (ObjectExistsError); without it, the old folder is replaced whole', async () => {
    folder(path.join(bucketDir('out'), 'daily'), 'old');
    fs.writeFileSync(path.join(bucketDir('out'), 'daily', 'k=a', 'only-old.parquet'), 'old');
    folder(path.join(bucketDir('raw'), 'q2'), 'new');
    await expect(store.publishFolder({ bucket: 'raw', prefix: 'q2/' }, { bucket: 'out', prefix: 'daily/' }, { metadata: {}, tags: {} }, { ifAbsent: true })).rejects.toBeInstanceOf(ObjectExistsError);
    expect(fs.readFileSync(path.join(bucketDir('out'), 'daily', '_manifest.json'), 'utf8')).toContain('old');
    await store.publishFolder({ bucket: 'raw', prefix: 'q2/' }, { bucket: 'out', prefix: 'daily/' }, { metadata: {}, tags: {} });
    expect(await store.list('out', 'daily/')).toEqual(['daily/_SUCCESS', 'daily/_manifest.json', 'daily/k=a/data_0.parquet', 'daily/k=b/data_0.parquet']);
    expect(fs.readFileSync(path.join(bucketDir('out'), 'daily', 'k=a', 'data_0.parquet'), 'utf8')).toBe('new:k=a/data_0.parquet');
    // Kept source (no move), and no hidden staging or old folder left beside the target.
    expect(fs.existsSync(path.join(bucketDir('raw'), 'q2', '_SUCCESS'))).toBe(true);
    expect(fs.readdirSync(bucketDir('out'))).toEqual(['daily']);
  });

  it('the rename is the only step that makes the folder visible: before it, readers see nothing at the target', async () => {
    const source = path.join(root, 'staging-area', 'q3');
    folder(source, 'three');
    const target = path.join(bucketDir('out'), 'x');
    expect(fs.existsSync(target)).toBe(false);
    expect(await renameFolderIntoPlace(source, target, { move: true, ifAbsent: true })).toBe(true);
    expect(fs.readdirSync(target).sort()).toEqual(['_SUCCESS', '_manifest.json', 'k=a', 'k=b']);
    folder(source, 'four');
    expect(await renameFolderIntoPlace(source, target, { move: true, ifAbsent: true })).toBe(false);
    expect(fs.existsSync(source)).toBe(true);
  });
});
