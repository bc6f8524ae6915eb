import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { BucketPaths } from '../../src/adapters/localfs/bucket-paths.js';
import { LocalObjectStore } from '../../src/adapters/localfs/local-object-store.js';
import { S3ObjectStore } from '../../src/adapters/aws/s3/s3-object-store.js';
import type { ObjectAttributes } from '../../src/ports/state-store.js';
import { objectStoreContract } from '../../src/ports/object-store.contract.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/aws/aws-test-env.js';
import { startS3rver, type S3rverHandle } from '../helpers/aws/s3rver-server.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

objectStoreContract('LocalObjectStore (folders)', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-objects-'));
  roots.push(root);
  const attributes = new Map<string, ObjectAttributes>();
  return new LocalObjectStore({
    paths: new BucketPaths(root),
    attributes: {
      putObjectAttributes: async (b, k, a) => void attributes.set(`${b}/${k}`, a),
      getObjectAttributes: async (b, k) => attributes.get(`${b}/${k}`),
      deleteObjectAttributes: async (b, k) => void attributes.delete(`${b}/${k}`),
    },
  });
});

let s3: S3rverHandle;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
});
objectStoreContract(
  'S3ObjectStore (s3rver on 127.0.0.1, real AWS SDK)',
  async () => new S3ObjectStore({ endpoint: s3.endpoint, clientConfig: { region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 } }),
  (store) => (store as S3ObjectStore).close(),
);
