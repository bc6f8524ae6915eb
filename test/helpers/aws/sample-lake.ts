import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { cleanup, tempDir } from '../cli.js';
import { startAthenaServer, type AthenaTestServer } from './athena-server.js';
import { TEST_CREDENTIALS, TEST_REGION } from './aws-test-env.js';
import { CodeCommitServer } from './codecommit-server.js';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { startGlueServer, type GlueTestServer } from './glue-server.js';
import { startS3rver, type S3rverHandle } from './s3rver-server.js';
import { setEnv } from '../env.js';

/** The sample's SQL, committed in the CodeCommit stand-in at `wildrydes/rydebooking-curation.sql`. */
export const SAMPLE_SQL = 'select * from wildrydes.rydebookings;\n';
/** The bookings the Athena stand-in reads as `wildrydes.rydebookings`: three rows. */
export const SAMPLE_BOOKINGS = 'booking_id,ryder_id,fare\n1,r1,12.5\n2,r2,7.25\n3,r1,30\n';

/**
 * The AWS sample's world on 127.0.0.1: DynamoDB Local and s3rver (emulators);
 * Athena, Glue and CodeCommit protocol-level test servers. The lake holds the
 * sample's tables (Glue databases `wildrydes` and `wildrydes-external`), its
 * three buckets, and its script in the CodeCommit repository `adp-scripts`.
 * `env` points the SDK's standard chain at all of it.
 */
export interface SampleLake {
  readonly dir: string;
  readonly dynamo: DynamoDbLocal;
  readonly s3: S3rverHandle;
  readonly athena: AthenaTestServer;
  readonly glue: GlueTestServer;
  readonly codecommit: CodeCommitServer;
  /** The commit of the sample's script. */
  readonly scriptsCommit: string;
  /** `AWS_ENDPOINT_URL_<SERVICE>`, dummy credentials, the region. */
  readonly env: Readonly<Record<string, string>>;
  /** Sets `env` (plus `extra`) in this process; returns what puts the old values back. */
  applyEnv(extra?: Readonly<Record<string, string>>): () => void;
  close(): Promise<void>;
}

export async function startSampleLake(): Promise<SampleLake> {
  const dir = tempDir();
  const [dynamo, s3, glue] = await Promise.all([startDynamoDbLocal(), startS3rver({ conditionalWrites: true }), startGlueServer()]);
  const athena = await startAthenaServer({ s3: s3.client });

  const repo = path.join(dir, 'adp-scripts');
  fs.mkdirSync(path.join(repo, 'wildrydes'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'wildrydes', 'rydebooking-curation.sql'), SAMPLE_SQL);
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-q', '-m', 'rydebooking curation');
  const scriptsCommit = git('rev-parse', 'HEAD');
  const codecommit = await CodeCommitServer.start({ 'adp-scripts': repo });

  const bookings = path.join(dir, 'rydebookings.csv');
  fs.writeFileSync(bookings, SAMPLE_BOOKINGS);
  await athena.registerTable('wildrydes', 'rydebookings', { csv: bookings });
  glue.putDatabase('wildrydes');
  glue.putDatabase('wildrydes-external');
  const csvTable = (name: string, location: string) => ({
    Name: name,
    TableType: 'EXTERNAL_TABLE',
    StorageDescriptor: {
      Location: location,
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', Parameters: { separatorChar: ',' } },
    },
  });
  glue.putTable('wildrydes', csvTable('rydebookings', 's3://wildrydes-dev-raw/rydebookings/'));
  glue.putTable('wildrydes-external', csvTable('ryders', 's3://wildrydes-dev-raw/ryders/'));
  for (const bucket of ['wildrydes-dev-athena-output', 'wildrydes-dev-curated', 'wildrydes-dev-raw']) {
    await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
  }

  const env = {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_ATHENA: athena.endpoint,
    AWS_ENDPOINT_URL_GLUE: glue.endpoint,
    AWS_ENDPOINT_URL_CODECOMMIT: codecommit.url,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: TEST_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return {
    dir,
    dynamo,
    s3,
    athena,
    glue,
    codecommit,
    scriptsCommit,
    env,
    applyEnv: (extra = {}) => setEnv({ ...env, ...extra }),
    async close() {
      await Promise.all([athena.close(), glue.close(), codecommit.close()]);
      await Promise.all([s3.stop(), dynamo.stop()]);
      cleanup(dir);
    },
  };
}
