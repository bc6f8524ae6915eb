import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/aws/aws-test-env.js';
import { startSampleLake, type SampleLake } from '../helpers/aws/sample-lake.js';
import { snsPublish } from '../helpers/aws/sns-server.js';
import { adp } from '../helpers/cli.js';
import { SAMPLE_DEFINITION_FILE } from '../helpers/definitions.js';
import { bulkReply, CaptureServer, waitFor } from '../helpers/http-capture.js';
import { startServeProcess } from '../helpers/serve-process.js';

// A team that runs the AWS sample points adp at what it has: the definition
// item the sample stored in DynamoDB, its history items, its CodeCommit
// repository, Glue database, Athena and buckets. Every service is a local
// stand-in on 127.0.0.1 reached through the SDK's own endpoint variables
// (AWS_ENDPOINT_URL_<SERVICE>): DynamoDB Local and s3rver are the real
// thing's emulators; Athena, Glue, CodeCommit, SNS and OpenSearch are
// protocol-level test servers.

const PREFIX = 'wildrydes-dev-';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:wildrydes-curation';
const sampleDefinition = JSON.parse(fs.readFileSync(SAMPLE_DEFINITION_FILE, 'utf8'));

/** The sample's success item, as its Lambda wrote it (resolved outputDetails, null maps, no status). */
const sampleSuccessItem = {
  curationType: 'wildrydes-rydebooking',
  timestamp: Date.UTC(2026, 10, 30, 9, 0, 7),
  curationExecutionName: '20261130090000QWERTY_wildrydes_rydebooking',
  scriptFileCommitId: '1111111111111111111111111111111111111111',
  glueDetails: sampleDefinition.glueDetails,
  outputDetails: {
    outputBucket: 'wildrydes-dev-curated',
    outputFolderPath: 'wildrydes/',
    outputFilename: 'wildrydes',
    includeTimestampInFilenameBool: true,
    metadata: null,
    tags: null,
  },
  queryOutputLocation: 's3://wildrydes-dev-athena-output/adp/q-old.csv',
  curationOutputLocation: 's3://wildrydes-dev-curated/wildrydes/wildrydes20261130090000.csv',
  athenaQueryExecutionId: 'q-old',
  metadata: null,
  tags: null,
};
/** The sample's failure item: error, errorCause, curationKey, no status. */
const sampleFailureItem = {
  curationType: 'wildrydes-rydebooking',
  timestamp: Date.UTC(2026, 10, 30, 12, 0, 3),
  curationExecutionName: '20261130120000ASDFGH_wildrydes_rydebooking',
  error: 'States.TaskFailed',
  errorCause: { errorType: 'InvalidRequestException', errorMessage: 'line 1:8: mismatched input' },
  curationKey: 's3://wildrydes-dev-athena-output/adp/q-bad.csv',
};

describe('aws driver: the sample’s tables and services (DynamoDB Local, s3rver; Athena, Glue, CodeCommit, SNS and OpenSearch protocol-level servers)', () => {
  let lake: SampleLake;
  let capture: CaptureServer;
  let dir: string;
  let home: string;
  let raw: DynamoDBClient;
  let ddb: DynamoDBDocumentClient;
  let s3c: S3Client;
  let scriptsCommit: string;
  let restoreEnv: () => void = () => undefined;

  beforeAll(async () => {
    [lake, capture] = await Promise.all([
      startSampleLake(),
      CaptureServer.start((req) => (req.path === '/_bulk' ? bulkReply(req) : req.path.includes('template') ? { body: { acknowledged: true } } : snsPublish(req))),
    ]);
    ({ dir, scriptsCommit } = lake);
    home = path.join(dir, 'home');
    s3c = lake.s3.client;
    restoreEnv = lake.applyEnv();
    raw = new DynamoDBClient({ endpoint: lake.dynamo.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
    ddb = DynamoDBDocumentClient.from(raw);

    const init = await adp(['--home', home, 'init', '--driver', 'aws', '--prefix', PREFIX, '--region', TEST_REGION, '--scripts', 'codecommit:adp-scripts']);
    expect(init.code, init.stderr).toBe(0);
    const file = path.join(home, 'adp.config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...config,
        notifications: [{ type: 'sns', name: 'ops', topicArn: TOPIC, endpoint: capture.url, events: ['success', 'failure'] }],
        sinks: [{ type: 'opensearch', node: capture.url, index: `${PREFIX}curationHistory` }],
      }),
    );

    // What the sample left behind: its definition item and two history items, written as its Lambdas did.
    await ddb.send(new PutCommand({ TableName: `${PREFIX}curationDetails`, Item: sampleDefinition }));
    for (const item of [sampleSuccessItem, sampleFailureItem]) {
      await ddb.send(new PutCommand({ TableName: `${PREFIX}curationHistory`, Item: item }));
    }
  }, 120_000);

  afterAll(async () => {
    restoreEnv();
    raw?.destroy();
    await capture?.close();
    await lake?.close();
  });

  it('adp init writes the aws config and creates the tables the sample has not got (its own two keep their keys)', async () => {
    const config = JSON.parse(fs.readFileSync(path.join(home, 'adp.config.json'), 'utf8'));
    expect(config).toMatchObject({ driver: 'aws', aws: { prefix: PREFIX, region: TEST_REGION }, scripts: { codecommit: 'adp-scripts' } });
    const again = await adp(['--home', home, 'migrate']);
    expect(again.code, again.stderr).toBe(0);
  });

  it('lists the definition the sample stored, unchanged', async () => {
    const list = await adp(['--home', home, 'curation', 'show', 'wildrydes-rydebooking', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).definition).toEqual(sampleDefinition);
  });

  it('lists the sample’s success and failure items with their status derived', async () => {
    const r = await adp(['--home', home, 'history', 'wildrydes-rydebooking', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const records = JSON.parse(r.stdout) as Record<string, unknown>[];
    const byName = new Map(records.map((x) => [x.curationExecutionName, x]));
    expect(byName.get(sampleSuccessItem.curationExecutionName)).toMatchObject({ status: 'succeeded', outputDetails: sampleSuccessItem.outputDetails });
    expect(byName.get(sampleFailureItem.curationExecutionName)).toMatchObject({ status: 'failed', error: 'States.TaskFailed', curationKey: sampleFailureItem.curationKey });
  });

  it('adp run --wait: Athena query, S3 copy with metadata REPLACE and tags, history item in the sample’s shape, SNS with the sample’s subject, OpenSearch _bulk with the sample’s _id', async () => {
    const started = lake.athena.queriesStarted();
    const r = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ status: 'succeeded', scriptFileCommitId: scriptsCommit, rowCount: 3, engine: 'athena' });
    expect(lake.athena.queriesStarted()).toBe(started + 1);

    // Output: the sample's name, the definition's metadata (REPLACE) and tags.
    const key = new URL(record.curationOutputLocation).pathname.slice(1);
    expect(key).toMatch(/^wildrydes\/wildrydes\d{14}\.csv$/);
    const head = await s3c.send(new HeadObjectCommand({ Bucket: 'wildrydes-dev-curated', Key: key }));
    // The definition's metadata, plus adp's provenance (execution, commit, SQL hash).
    expect(head.Metadata).toMatchObject({ ...sampleDefinition.outputDetails.metadata, 'adp-execution-name': record.curationExecutionName, 'adp-script-commit': scriptsCommit });
    const tags = await s3c.send(new GetObjectTaggingCommand({ Bucket: 'wildrydes-dev-curated', Key: key }));
    expect(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual(sampleDefinition.outputDetails.tags);
    const body = await (await s3c.send(new GetObjectCommand({ Bucket: 'wildrydes-dev-curated', Key: key }))).Body!.transformToString();
    expect(body.trim().split('\n')).toHaveLength(4);

    // Raw result kept (deleteAthenaQueryFile: false), its .metadata deleted (deleteMetadataFile: true).
    const raw = await s3c.send(new ListObjectsV2Command({ Bucket: 'wildrydes-dev-athena-output', Prefix: 'adp/' }));
    const rawKeys = (raw.Contents ?? []).map((o) => o.Key);
    expect(rawKeys).toContain(`adp/${record.athenaQueryExecutionId}.csv`);
    expect(rawKeys).not.toContain(`adp/${record.athenaQueryExecutionId}.csv.metadata`);

    // The history item, read raw: the sample's field names and shapes.
    const item = await ddb.send(new GetCommand({ TableName: `${PREFIX}curationHistory`, Key: { curationType: 'wildrydes-rydebooking', timestamp: record.timestamp } }));
    const stored = item.Item!;
    expect(stored).toMatchObject({
      curationType: 'wildrydes-rydebooking',
      curationExecutionName: record.curationExecutionName,
      scriptFileCommitId: scriptsCommit,
      glueDetails: sampleDefinition.glueDetails,
      outputDetails: {
        outputBucket: 'wildrydes-dev-curated',
        outputFolderPath: 'wildrydes/',
        outputFilename: 'wildrydes',
        includeTimestampInFilenameBool: true,
        metadata: sampleDefinition.outputDetails.metadata,
        tags: sampleDefinition.outputDetails.tags,
      },
      curationOutputLocation: record.curationOutputLocation,
      queryOutputLocation: record.queryOutputLocation,
      athenaQueryExecutionId: record.athenaQueryExecutionId,
      metadata: sampleDefinition.outputDetails.metadata,
      tags: sampleDefinition.outputDetails.tags,
      status: 'succeeded',
    });

    // Notifications, delivered before `--wait` returned.
    const publish = capture.requests.map((q) => new URLSearchParams(q.body)).find((f) => f.get('Action') === 'Publish');
    expect(publish?.get('TopicArn')).toBe(TOPIC);
    expect(publish?.get('Subject')).toBe('Data Pipeline - curation for wildrydes-rydebooking success');
    const bulk = capture.requests.find((q) => q.path === '/_bulk')!.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(bulk[0].index).toEqual({ _index: `${PREFIX}curationhistory`, _id: `curationType=wildrydes-rydebooking|timestamp=${record.timestamp}` });

    // The first rows, read back from S3 with a ranged GET; the raw result is still there.
    const preview = await adp(['--home', home, 'runs', 'preview', record.curationExecutionName, '--rows', '2', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    const shown = JSON.parse(preview.stdout);
    expect(shown.output).toMatchObject({ uri: record.curationOutputLocation, state: 'present', format: 'csv' });
    expect(shown.raw).toEqual({ uri: record.queryOutputLocation, state: 'present' });
    expect(shown.table.columns).toEqual(body.trim().split('\n')[0]!.split(',').map((c) => c.replace(/^"|"$/g, '')));
    expect(shown.table.rows).toHaveLength(2);
    expect(shown.table.truncated).toBe(true);

    // Listed beside the sample's own items, newest first.
    const h = await adp(['--home', home, 'history', 'wildrydes-rydebooking', '--json']);
    const names = (JSON.parse(h.stdout) as { curationExecutionName: string }[]).map((x) => x.curationExecutionName);
    expect(names).toEqual([record.curationExecutionName, sampleFailureItem.curationExecutionName, sampleSuccessItem.curationExecutionName]);
  });

  it('a definition adp puts is an item the sample’s Lambdas read: the definition’s fields at the top, unchanged', async () => {
    const def = { ...sampleDefinition, curationType: 'wildrydes-copy', cronExpression: 'cron(0 6 * * ? *)' };
    const file = path.join(dir, 'copy.json');
    fs.writeFileSync(file, JSON.stringify(def));
    const put = await adp(['--home', home, 'curation', 'put', file]);
    expect(put.code, put.stderr).toBe(0);
    const got = await ddb.send(new GetCommand({ TableName: `${PREFIX}curationDetails`, Key: { curationType: 'wildrydes-copy' } }));
    const item = got.Item!;
    for (const [k, v] of Object.entries(def)) expect(item[k], k).toEqual(v);
  });

  it('Athena FAILED ends the run failed with Athena’s reason in the record; the sample’s failure shape (error, errorCause, curationKey)', async () => {
    lake.athena.failNextQuery({ reason: 'line 1:8: mismatched input', errorCategory: 2, errorType: 1001 });
    const r = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']);
    expect(r.code).toBe(1);
    const record = JSON.parse(r.stdout);
    expect(record.status).toBe('failed');
    expect(record.errorCause.errorMessage).toContain('mismatched input');
    const q = await ddb.send(
      new QueryCommand({
        TableName: `${PREFIX}curationHistory`,
        KeyConditionExpression: 'curationType = :c AND #t = :t',
        ExpressionAttributeNames: { '#t': 'timestamp' },
        ExpressionAttributeValues: { ':c': 'wildrydes-rydebooking', ':t': record.timestamp },
      }),
    );
    expect(q.Items![0]).toMatchObject({ error: record.error, errorCause: record.errorCause, status: 'failed' });
  });

  it('adp serve on the same tables: a run queued over the API is executed by the worker, listed by the API and the dashboard', async () => {
    const token = 'aws-serve-token-0123456789';
    // Unscheduled (enabled: false), so only the API's run exists: the sample's cron would have the scheduler catch up a tick.
    const file = path.join(dir, 'served.json');
    fs.writeFileSync(file, JSON.stringify({ ...sampleDefinition, curationType: 'wildrydes-served', enabled: false }));
    expect((await adp(['--home', home, 'curation', 'put', file])).code).toBe(0);
    const serve = await startServeProcess(home, { env: { ...process.env, ADP_API_TOKEN: token }, readyTimeoutMs: 60_000 });
    try {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.lines.find((l) => l.includes('listening on')) ?? '')![1]!;
      const auth = { authorization: `Bearer ${token}` };
      const started = await fetch(`${url}/api/v1/curations/wildrydes-served/runs`, { method: 'POST', headers: auth });
      expect(started.status, await started.clone().text()).toBe(202);
      const name = ((await started.json()) as { curationExecutionName: string }).curationExecutionName;
      let record: Record<string, unknown> | undefined;
      await waitFor(
        async () => {
          const res = await fetch(`${url}/api/v1/runs/${name}`, { headers: auth });
          record = (await res.json()) as Record<string, unknown>;
          return record.status !== 'queued' && record.status !== 'running';
        },
        60_000,
        `a history record for ${name}`,
      );
      expect(record).toMatchObject({ status: 'succeeded', trigger: 'api' });
      const curations = (await (await fetch(`${url}/api/v1/curations`, { headers: auth })).json()) as { curationType: string }[] | { items: { curationType: string }[] };
      expect(JSON.stringify(curations)).toContain('wildrydes-served');
      expect((await fetch(`${url}/`)).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  }, 120_000);
});
