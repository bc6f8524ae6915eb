import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client } from '@aws-sdk/client-s3';
import { TEST_CREDENTIALS, TEST_REGION, testClientConfig } from '../../../../test/helpers/aws/aws-test-env.js';
import { startS3rver, type S3rverHandle } from '../../../../test/helpers/aws/s3rver-server.js';
import { ObjectExistsError } from '../../../domain/errors.js';
import { S3ObjectStore } from './s3-object-store.js';

const attributes = { metadata: { 'adp-execution-name': 'run-1' }, tags: { dataOwner: 'Wildrydes' } };
const FILES = ['k=a/data_0.parquet', 'k=b/data_0.parquet', '_manifest.json', '_SUCCESS'];

describe('S3 folder publish (s3rver on 127.0.0.1, real AWS SDK): _SUCCESS removed first, copied last', () => {
  let s3: S3rverHandle;
  let store: S3ObjectStore;
  const sent: string[] = [];
  beforeAll(async () => {
    s3 = await startS3rver();
    const client = new S3Client({ ...testClientConfig(s3.endpoint), forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input?: { Key?: string } }).input;
        sent.push(`${String(context.commandName)} ${input?.Key ?? ''}`);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    store = new S3ObjectStore({ client, endpoint: s3.endpoint, clientConfig: { region: TEST_REGION, credentials: TEST_CREDENTIALS } });
    await store.createBucket('raw-results');
    await store.createBucket('curated-data');
  });
  afterAll(async () => {
    await store.close();
    await s3.stop();
  });

  const stage = async (prefix: string, tag: string) => {
    for (const f of FILES) await store.putText('raw-results', `${prefix}${f}`, `${tag}:${f}`);
  };

  it('copies every object with the attributes, _SUCCESS as the last write; replace drops objects the new folder lacks; ifAbsent refuses a folder that is there', async () => {
    await stage('adp/q1/', 'one');
    await store.putText('raw-results', 'adp/q1/k=c/data_0.parquet', 'one:c');
    await store.publishFolder({ bucket: 'raw-results', prefix: 'adp/q1/' }, { bucket: 'curated-data', prefix: 'daily/' }, attributes, { move: true });
    expect(await store.list('raw-results', 'adp/q1/')).toEqual([]);
    await stage('adp/q2/', 'two');
    sent.length = 0;
    const info = await store.publishFolder({ bucket: 'raw-results', prefix: 'adp/q2/' }, { bucket: 'curated-data', prefix: 'daily/' }, attributes);
    expect(info.keys).toEqual([...FILES].sort());
    const writes = sent.filter((s) => /^(CopyObject|DeleteObject)Command daily\//.test(s));
    expect(writes[0]).toBe('DeleteObjectCommand daily/_SUCCESS');
    expect(writes.at(-1)).toBe('CopyObjectCommand daily/_SUCCESS');
    expect(writes).toContain('DeleteObjectCommand daily/k=c/data_0.parquet');
    expect((await store.list('curated-data', 'daily/')).sort()).toEqual(FILES.map((f) => `daily/${f}`).sort());
    expect(await store.getText('curated-data', 'daily/k=a/data_0.parquet')).toBe('two:k=a/data_0.parquet');
    expect((await store.head('curated-data', 'daily/_manifest.json'))?.metadata).toMatchObject(attributes.metadata);
    await expect(
      store.publishFolder({ bucket: 'raw-results', prefix: 'adp/q2/' }, { bucket: 'curated-data', prefix: 'daily/' }, attributes, { ifAbsent: true }),
    ).rejects.toBeInstanceOf(ObjectExistsError);
  });
});
