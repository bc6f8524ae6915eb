import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, TEST_REGION, localOnlyRequestHandler, testClientConfig } from '../../../../test/helpers/aws/aws-test-env.js';
import { startS3rver, type S3rverHandle } from '../../../../test/helpers/aws/s3rver-server.js';
import { S3Client } from '@aws-sdk/client-s3';
import { EnvironmentError, NotFoundError, ObjectExistsError } from '../../../domain/errors.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store.js';

const attributes = { metadata: { creator: 'Eunice the Unicorn', quality: 'HIGH' }, tags: { dataOwner: 'Wildrydes', pii: 'FALSE' } };
const RAW = 'raw-results';
const CURATED = 'curated-data';

/** A client for `s3` that records each command's name and the headers it sent. */
function recordingClient(s3: S3rverHandle) {
  const client = new S3Client({ ...testClientConfig(s3.endpoint), forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const sent: Array<{ command: string; headers: Record<string, string> }> = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      sent.push({ command: String(context.commandName), headers: { ...(request.headers ?? {}) } });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
  return { client, sent, commands: () => sent.map((s) => s.command) };
}

describe('S3 object store (s3rver on 127.0.0.1, real AWS SDK)', () => {
  let s3: S3rverHandle;
  let counter = 0;
  const stores: S3ObjectStore[] = [];
  const storeFor = (server: S3rverHandle, options: S3ObjectStoreOptions = {}) => {
    const store = new S3ObjectStore({ endpoint: server.endpoint, clientConfig: { region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 }, ...options });
    stores.push(store);
    return store;
  };
  /** A fresh raw result in RAW, its key unique per test. */
  const rawResult = async (store: S3ObjectStore, body = '"id","name"\n"1","ryde"\n') => {
    const key = `adp/q-${++counter}.csv`;
    await store.putText(RAW, key, body);
    return { bucket: RAW, key };
  };

  beforeAll(async () => {
    s3 = await startS3rver();
    const store = storeFor(s3);
    await store.createBucket(RAW);
    await store.createBucket(CURATED);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('publishes with CopyObject, replacing the metadata, then tags the copy; both read back through head', async () => {
    const store = storeFor(s3);
    const raw = await rawResult(store);
    const info = await store.publish(raw, { bucket: CURATED, key: 'wildrydes/out.csv' }, attributes);
    expect(info).toEqual({ bucket: CURATED, key: 'wildrydes/out.csv', size: 23, ...attributes });
    const head = await store.head(CURATED, 'wildrydes/out.csv');
    expect(head).toEqual(info);
    expect(await store.getText(CURATED, 'wildrydes/out.csv')).toBe('"id","name"\n"1","ryde"\n');
    expect(await store.head(raw.bucket, raw.key)).toMatchObject({ metadata: {}, tags: {} });
    expect(store.uri(CURATED, 'wildrydes/out.csv')).toBe('s3://curated-data/wildrydes/out.csv');
  });

  it('replaces the tags and metadata of an object already at the target', async () => {
    const store = storeFor(s3);
    await store.publish(await rawResult(store), { bucket: CURATED, key: 'replace/out.csv' }, attributes);
    await store.publish(await rawResult(store, 'new'), { bucket: CURATED, key: 'replace/out.csv' }, { metadata: { run: '2' }, tags: {} });
    expect(await store.head(CURATED, 'replace/out.csv')).toMatchObject({ size: 3, metadata: { run: '2' }, tags: {} });
  });

  it('move deletes the raw result once the copy is complete', async () => {
    const store = storeFor(s3);
    const raw = await rawResult(store);
    await store.publish(raw, { bucket: CURATED, key: 'moved/out.csv' }, attributes, { move: true });
    expect(await store.head(raw.bucket, raw.key)).toBeUndefined();
    expect(await store.list(RAW, raw.key)).toEqual([]);
    expect(await store.getText(CURATED, 'moved/out.csv')).toContain('ryde');
  });

  it('copies above the multipart threshold with UploadPartCopy ranges (threshold lowered), metadata and tags included', async () => {
    const recorder = recordingClient(s3);
    const store = storeFor(s3, { client: recorder.client, multipartThresholdBytes: 1000, partSizeBytes: 400, copyConcurrency: 2 });
    const body = Array.from({ length: 100 }, (_, i) => `"${i}","row ${i} of a larger result"`).join('\n');
    const raw = await rawResult(store, body);
    const info = await store.publish(raw, { bucket: CURATED, key: 'year=2027/large.csv' }, attributes, { move: true });
    const parts = Math.ceil(Buffer.byteLength(body) / 400);
    expect(recorder.commands().filter((c) => c === 'UploadPartCopyCommand')).toHaveLength(parts);
    expect(recorder.commands()).toContain('CompleteMultipartUploadCommand');
    expect(recorder.commands()).not.toContain('CopyObjectCommand');
    expect(info.size).toBe(Buffer.byteLength(body));
    expect(await store.getText(CURATED, 'year=2027/large.csv')).toBe(body);
    expect(await store.head(CURATED, 'year=2027/large.csv')).toMatchObject({ metadata: attributes.metadata, tags: attributes.tags });
    expect(await store.head(raw.bucket, raw.key)).toBeUndefined();
    recorder.client.destroy();
  });

  it('lists every key over several ListObjectsV2 pages (MaxKeys 2)', async () => {
    const recorder = recordingClient(s3);
    const store = storeFor(s3, { client: recorder.client, listPageSize: 2 });
    const keys = ['list/a.csv', 'list/b.csv', 'list/c/d.csv', 'list/e.csv', 'list/f.csv'];
    for (const key of keys) await store.putText(CURATED, key, key);
    await store.putText(CURATED, 'lister/not-this.csv', 'x');
    expect(await store.list(CURATED, 'list/')).toEqual(keys);
    expect(recorder.commands().filter((c) => c === 'ListObjectsV2Command')).toHaveLength(3);
    recorder.client.destroy();
  });

  it('names the bucket when it does not exist', async () => {
    const store = storeFor(s3);
    expect(await store.bucketExists('no-such-bucket')).toBe(false);
    const listing = await store.list('no-such-bucket', '').catch((e: unknown) => e);
    expect(listing).toBeInstanceOf(NotFoundError);
    expect((listing as Error).message).toMatch(/bucket 'no-such-bucket' not found/);
    const publishing = await store.publish(await rawResult(store), { bucket: 'no-such-bucket', key: 'x.csv' }, attributes).catch((e: unknown) => e);
    expect(publishing).toBeInstanceOf(NotFoundError);
    expect((publishing as Error).message).toContain("'no-such-bucket'");
    const missingSource = await store.publish({ bucket: RAW, key: 'adp/never.csv' }, { bucket: CURATED, key: 'x.csv' }, attributes).catch((e: unknown) => e);
    expect(missingSource).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('raw-results/adp/never.csv') });
  });

  it('names the bucket when S3 refuses the credentials', async () => {
    const store = storeFor(s3, { clientConfig: { region: TEST_REGION, credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'x' }, maxAttempts: 1 } });
    const listing = await store.list(CURATED, '').catch((e: unknown) => e);
    expect(listing).toBeInstanceOf(EnvironmentError);
    expect((listing as Error).message).toMatch(/S3 refused ListObjectsV2 on bucket 'curated-data' \(InvalidAccessKeyId/);
    await expect(store.bucketExists(CURATED)).rejects.toThrow(/bucket 'curated-data'/);
  });

  it('reads and writes text, heads and deletes missing objects quietly', async () => {
    const store = storeFor(s3);
    await store.putText(CURATED, 'text/hello.txt', 'héllo\n');
    expect(await store.getText(CURATED, 'text/hello.txt')).toBe('héllo\n');
    await expect(store.getText(CURATED, 'text/missing.txt')).rejects.toThrow(NotFoundError);
    expect(await store.head(CURATED, 'text/missing.txt')).toBeUndefined();
    await store.delete(CURATED, 'text/missing.txt');
    await store.delete('no-such-bucket', 'x');
    await store.delete(CURATED, 'text/hello.txt');
    expect(await store.head(CURATED, 'text/hello.txt')).toBeUndefined();
    await store.createBucket(CURATED);
  });

  it('asks for SSE-KMS with the configured key on every write', async () => {
    const recorder = recordingClient(s3);
    const store = storeFor(s3, { client: recorder.client, kmsKeyId: 'alias/curation' });
    await store.publish(await rawResult(store), { bucket: CURATED, key: 'kms/out.csv' }, attributes);
    const writes = recorder.sent.filter((s) => s.command === 'PutObjectCommand' || s.command === 'CopyObjectCommand');
    expect(writes).toHaveLength(2);
    for (const write of writes) {
      expect(write.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(write.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/curation');
    }
    const copy = writes.find((w) => w.command === 'CopyObjectCommand')!;
    expect(copy.headers['x-amz-metadata-directive']).toBe('REPLACE');
    expect(copy.headers['x-amz-meta-creator']).toBe('Eunice the Unicorn');
    recorder.client.destroy();
  });

  it('finds the endpoint through the SDK standard chain (AWS_ENDPOINT_URL_S3) and uses path-style URLs for it', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REGION: TEST_REGION, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    try {
      const store = new S3ObjectStore({ clientConfig: { requestHandler: localOnlyRequestHandler() } });
      stores.push(store);
      expect(await store.bucketExists(CURATED)).toBe(true);
      await store.putText(CURATED, 'chain/x.txt', 'via env');
      expect(await store.getText(CURATED, 'chain/x.txt')).toBe('via env');
    } finally {
      for (const key of ['AWS_ENDPOINT_URL_S3', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});

describe('S3 publish if absent', () => {
  let emulated: S3rverHandle;
  let plain: S3rverHandle;
  const stores: S3ObjectStore[] = [];
  const storeFor = (server: S3rverHandle, options: S3ObjectStoreOptions = {}) => {
    const store = new S3ObjectStore({ client: server.client, ...options });
    stores.push(store);
    return store;
  };
  let counter = 0;
  const rawResult = async (store: S3ObjectStore, body: string) => {
    const key = `adp/q-${++counter}.csv`;
    await store.putText('raw-results', key, body);
    return { bucket: 'raw-results', key };
  };

  beforeAll(async () => {
    [emulated, plain] = await Promise.all([startS3rver({ conditionalWrites: true }), startS3rver()]);
    for (const server of [emulated, plain]) {
      await storeFor(server).createBucket('raw-results');
      await storeFor(server).createBucket('curated-data');
    }
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all([emulated.stop(), plain.stop()]);
  });

  it('sends If-None-Match: * and turns the 412 into ObjectExistsError, leaving the first object (s3rver with conditional writes emulated)', async () => {
    const store = storeFor(emulated);
    const target = { bucket: 'curated-data', key: 'if-absent/out.csv' };
    await store.publish(await rawResult(store, 'first'), target, attributes, { ifAbsent: true });
    const second = await rawResult(store, 'second');
    await expect(store.publish(second, target, { metadata: { run: '2' }, tags: {} }, { ifAbsent: true, move: true })).rejects.toThrow(ObjectExistsError);
    expect(await store.getText(target.bucket, target.key)).toBe('first');
    expect(await store.head(target.bucket, target.key)).toMatchObject({ metadata: attributes.metadata, tags: attributes.tags });
    expect(await store.head(second.bucket, second.key)).toBeDefined();
    expect(emulated.preconditionFailures()).toBe(1);
  });

  it('of concurrent publishes to one key exactly one succeeds (s3rver with conditional writes emulated)', async () => {
    const store = storeFor(emulated);
    const target = { bucket: 'curated-data', key: 'if-absent/race.csv' };
    const sources = await Promise.all(['a', 'b', 'c', 'd'].map((body) => rawResult(store, body)));
    const outcomes = await Promise.allSettled(sources.map((s) => store.publish(s, target, attributes, { ifAbsent: true })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason)).toEqual(
      Array(3).fill(expect.any(ObjectExistsError)),
    );
  });

  it('puts the condition on CompleteMultipartUpload for a multipart copy (s3rver with conditional writes emulated)', async () => {
    const store = storeFor(emulated, { multipartThresholdBytes: 10, partSizeBytes: 8 });
    const target = { bucket: 'curated-data', key: 'if-absent/large.csv' };
    await store.publish(await rawResult(store, 'x'.repeat(30)), target, attributes, { ifAbsent: true });
    await expect(store.publish(await rawResult(store, 'y'.repeat(30)), target, attributes, { ifAbsent: true })).rejects.toThrow(ObjectExistsError);
    expect(await store.getText(target.bucket, target.key)).toBe('x'.repeat(30));
  });

  it('s3rver ignores If-None-Match, so native mode overwrites there and the check-then-write fallback (HEAD, not atomic) refuses instead', async () => {
    const native = storeFor(plain);
    const target = { bucket: 'curated-data', key: 'fallback/out.csv' };
    await native.publish(await rawResult(native, 'first'), target, attributes, { ifAbsent: true });
    await native.publish(await rawResult(native, 'second'), target, attributes, { ifAbsent: true });
    expect(await native.getText(target.bucket, target.key)).toBe('second');
    const checking = storeFor(plain, { conditionalWrites: 'check-then-write' });
    await expect(checking.publish(await rawResult(checking, 'third'), target, attributes, { ifAbsent: true })).rejects.toThrow(ObjectExistsError);
    expect(await checking.getText(target.bucket, target.key)).toBe('second');
    await checking.publish(await rawResult(checking, 'fresh'), { bucket: 'curated-data', key: 'fallback/new.csv' }, attributes, { ifAbsent: true });
    expect(await checking.getText('curated-data', 'fallback/new.csv')).toBe('fresh');
  });

  it('publishing a source onto itself with ifAbsent only replaces its attributes', async () => {
    const store = storeFor(emulated);
    const raw = await rawResult(store, 'in place');
    await store.publish(raw, raw, attributes, { ifAbsent: true, move: true });
    expect(await store.head(raw.bucket, raw.key)).toMatchObject({ size: 8, ...attributes });
  });
});
