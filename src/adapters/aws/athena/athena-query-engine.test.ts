import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, TEST_REGION, localOnlyRequestHandler } from '../../../../test/helpers/aws/aws-test-env.js';
import { startAthenaServer, type AthenaServerOptions, type AthenaTestServer } from '../../../../test/helpers/aws/athena-server.js';
import { startS3rver, type S3rverHandle } from '../../../../test/helpers/aws/s3rver-server.js';
import { QueryFailedError, QueryTimeoutError, SandboxError, TransientError, ValidationError } from '../../../domain/errors.js';
import type { QueryRequest, QueryStatus } from '../../../ports/query-engine.js';
import { S3ObjectStore } from '../s3/s3-object-store.js';
import { clientRequestToken } from './athena-execution.js';
import { AthenaQueryEngine, type AthenaQueryEngineOptions } from './athena-query-engine.js';

const RESULTS = 'athena-results';
const clientConfig = { region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
const BOOKINGS = 'ryde_id,city,fare\n1,Seattle,12.5\n2,"Portland, OR",\n3,"Say ""hi""",7\n';

describe('Athena query engine (Athena protocol server backed by DuckDB + s3rver on 127.0.0.1, real AWS SDK)', () => {
  let s3: S3rverHandle;
  let dir: string;
  let objects: S3ObjectStore;
  let athena: AthenaTestServer;
  let engine: AthenaQueryEngine;
  let keys = 0;
  const servers: AthenaTestServer[] = [];
  const engines: AthenaQueryEngine[] = [];

  const serve = async (options: Omit<AthenaServerOptions, 's3'> = {}) => {
    const server = await startAthenaServer({ s3: s3.client, ...options });
    servers.push(server);
    await server.registerTable('wildrydes', 'rydebookings', { csv: path.join(dir, 'rydebookings.csv') });
    await server.registerTable('wildrydes', 'numbers', { sql: 'SELECT range AS n FROM range(2500)', scannedBytes: 20_000 });
    return server;
  };
  const engineFor = (server: AthenaTestServer, options: Partial<AthenaQueryEngineOptions> = {}) => {
    const created = new AthenaQueryEngine({ objects, endpoint: server.endpoint, clientConfig, ...options });
    engines.push(created);
    return created;
  };
  const request = (sql: string, overrides: Partial<QueryRequest> = {}): QueryRequest => ({
    sql,
    database: 'wildrydes',
    output: { bucket: RESULTS, folder: 'adp/raw/' },
    format: 'csv',
    idempotencyKey: `20270104100000K3QZ8A_run_${++keys}`,
    ...overrides,
  });
  /** Polls as the awaitQuery step does, without a deadline: the server always ends a query it was not told to hang. */
  const settle = async (on: AthenaQueryEngine, id: string): Promise<QueryStatus> => {
    for (;;) {
      const status = await on.status(id);
      if (status.state !== 'QUEUED' && status.state !== 'RUNNING') return status;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const untilState = async (server: AthenaTestServer, id: string, state: string) => {
    while (server.executions().find((e) => e.id === id)?.state !== state) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const text = async (bucket: string, key: string) => (await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  const keysUnder = async (prefix: string) =>
    ((await s3.client.send(new ListObjectsV2Command({ Bucket: RESULTS, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.client.send(new CreateBucketCommand({ Bucket: RESULTS }));
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adp-athena-'));
    await fs.writeFile(path.join(dir, 'rydebookings.csv'), BOOKINGS);
    objects = new S3ObjectStore({ client: s3.client });
  });
  afterAll(async () => {
    await objects.close();
    await s3.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    athena = await serve({ workGroups: { primary: {}, curation: { outputLocation: `s3://${RESULTS}/workgroup/` } } });
    engine = engineFor(athena);
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("writes the result as Athena does, at <folder><id>.csv with its .metadata, and reports rows, bytes and data scanned", async () => {
    const req = request('select ryde_id, city, fare from rydebookings order by ryde_id; -- daily');
    const id = await engine.start(req);
    const status = await settle(engine, id);
    expect(status.state).toBe('SUCCEEDED');
    const csv = await text(RESULTS, `adp/raw/${id}.csv`);
    expect(csv).toBe('"ryde_id","city","fare"\n"1","Seattle","12.5"\n"2","Portland, OR",\n"3","Say ""hi""","7.0"\n');
    expect(JSON.parse(await text(RESULTS, `adp/raw/${id}.csv.metadata`))).toMatchObject({ ColumnInfo: [{ Name: 'ryde_id', Type: 'bigint' }, { Name: 'city', Type: 'varchar' }, { Name: 'fare', Type: 'double' }] });
    expect(status.result).toEqual({ bucket: RESULTS, key: `adp/raw/${id}.csv`, rowCount: 3, bytes: Buffer.byteLength(csv) });
    expect(status.dataScannedBytes).toBe(Buffer.byteLength(BOOKINGS));
    expect(status.engineExecutionTimeMs).toBeGreaterThan(0);

    const start = athena.requests.find((r) => r.operation === 'StartQueryExecution')!;
    expect(start.input).toEqual({
      QueryString: 'select ryde_id, city, fare from rydebookings order by ryde_id',
      ClientRequestToken: clientRequestToken(req.idempotencyKey, 1),
      QueryExecutionContext: { Database: 'wildrydes' },
      ResultConfiguration: { OutputLocation: `s3://${RESULTS}/adp/raw/` },
    });
  });

  it('a retried start with the same idempotency key re-attaches to the one query it launched', async () => {
    const req = request('select count(*) as n from rydebookings');
    const first = await engine.start(req);
    const again = await engineFor(athena).start(req);
    expect(again).toBe(first);
    expect(athena.queriesStarted()).toBe(1);
    expect(await engine.start({ ...req, idempotencyKey: `${req.idempotencyKey}_other` })).not.toBe(first);
    expect(athena.queriesStarted()).toBe(2);
  });

  it('passes the workgroup and catalog, writes where the workgroup says when EXPLAIN has no output of its own, and reports Athena refusing the request', async () => {
    const grouped = engineFor(athena, { workGroup: 'curation', dataCatalog: 'AwsDataCatalog' });
    const id = await grouped.start(request('select 1 as one'));
    expect((await settle(grouped, id)).state).toBe('SUCCEEDED');
    const start = athena.requests.find((r) => r.operation === 'StartQueryExecution')!;
    expect(start.input).toMatchObject({ WorkGroup: 'curation', QueryExecutionContext: { Database: 'wildrydes', Catalog: 'AwsDataCatalog' } });
    expect(await grouped.explain('select 1', 'wildrydes')).not.toBe('');
    expect(athena.executions().at(-1)!.outputLocation).toMatch(new RegExp(`^s3://${RESULTS}/workgroup/`));

    const nowhere = await engineFor(athena).explain('select 1', 'wildrydes').catch((e: unknown) => e);
    expect(nowhere).toBeInstanceOf(QueryFailedError);
    expect((nowhere as Error).message).toMatch(/No output location provided/);
    await expect(engineFor(athena, { workGroup: 'missing' }).start(request('select 1'))).rejects.toThrow(/WorkGroup missing is not found/);
  });

  it('a query Athena fails reports a QueryFailedError in Athena’s words (missing table, syntax, no result bucket)', async () => {
    const missing = await settle(engine, await engine.start(request('select * from nope')));
    expect(missing.state).toBe('FAILED');
    expect(missing.error).toBeInstanceOf(QueryFailedError);
    expect(missing.error!.message).toMatch(/TABLE_NOT_FOUND: .*Table 'nope' does not exist/);
    const syntax = await settle(engine, await engine.start(request('select * form rydebookings')));
    expect(syntax.error).toBeInstanceOf(QueryFailedError);
    expect(syntax.error!.message).toMatch(/SYNTAX_ERROR/);
    const planned = await (athena.failNextQuery({ reason: 'HIVE_BAD_DATA: Error parsing field value' }), settle(engine, await engine.start(request('select 1'))));
    expect(planned.error!.message).toBe(`Athena query ${athena.executions().at(-1)!.id} failed: HIVE_BAD_DATA: Error parsing field value`);
    const nobucket = await settle(engine, await engine.start(request('select 1', { output: { bucket: 'no-such-bucket', folder: '' } })));
    expect(nobucket.error).toBeInstanceOf(QueryFailedError);
    expect(nobucket.error!.message).toMatch(/Unable to verify\/create output bucket no-such-bucket/);
  });

  it('a query Athena fails retryably (throttled) is a TransientError, and the next start of its key launches a fresh query', async () => {
    athena.failNextQuery({ reason: 'ThrottlingException: Rate exceeded', errorCategory: 1, errorType: 100, retryable: true });
    const req = request('select count(*) as n from rydebookings');
    // Held in QUEUED until start has returned, so the failure is seen by status, as in a run.
    const release = athena.holdQueued();
    const first = await engine.start(req);
    expect((await engine.status(first)).state).toBe('QUEUED');
    release();
    const failed = await settle(engine, first);
    expect(failed.error).toBeInstanceOf(TransientError);
    expect(failed.error!.message).toMatch(/Rate exceeded/);
    const second = await engine.start(req);
    expect(second).not.toBe(first);
    expect(athena.executions().map((e) => e.clientRequestToken)).toEqual([clientRequestToken(req.idempotencyKey, 1), clientRequestToken(req.idempotencyKey, 2)]);
    expect((await settle(engine, second)).result?.rowCount).toBe(1);
    // A third start still re-attaches to the second query: nothing new runs.
    expect(await engine.start(req)).toBe(second);
    expect(athena.queriesStarted()).toBe(2);
  });

  it('a throttled StartQueryExecution request is a TransientError', async () => {
    athena.failNext(1, { operation: 'StartQueryExecution', type: 'TooManyRequestsException' });
    await expect(engine.start(request('select 1'))).rejects.toBeInstanceOf(TransientError);
    expect(athena.queriesStarted()).toBe(0);
  });

  it('cancel() stops a running query, which then reports CANCELLED', async () => {
    athena.hangNextQuery();
    const id = await engine.start(request('select * from rydebookings'));
    await untilState(athena, id, 'RUNNING');
    expect((await engine.status(id)).state).toBe('RUNNING');
    await engine.cancel(id);
    expect(await engine.status(id)).toMatchObject({ state: 'CANCELLED' });
    expect(athena.requests.filter((r) => r.operation === 'StopQueryExecution').map((r) => r.input)).toEqual([{ QueryExecutionId: id }]);
    await engine.cancel(id); // stopping an ended query is harmless
    athena.holdQueued();
    const queued = await engine.start(request('select 1'));
    await engine.cancel(queued);
    expect(await engine.status(queued)).toMatchObject({ state: 'CANCELLED' });
    await engine.cancel('00000000-0000-0000-0000-000000000000'); // and so is one Athena does not know
  });

  it('a hung query the caller times out is stopped: polled past its deadline, then cancelled', async () => {
    athena.hangNextQuery();
    const id = await engine.start(request('select * from rydebookings'));
    let polls = 0;
    // The deadline is a poll count, not a time: what matters is that the caller gives up and stops the query.
    while ((await engine.status(id)).state !== 'SUCCEEDED' && ++polls < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await engine.cancel(id);
    expect(athena.executions().find((e) => e.id === id)!.state).toBe('CANCELLED');
    expect((await engine.status(id)).state).toBe('CANCELLED');
  });

  it('explain() returns the plan of the query and removes its result files; an EXPLAIN that hangs past its timeout is stopped', async () => {
    const explaining = engineFor(athena, { explainOutput: { bucket: RESULTS, folder: 'explain/' } });
    const plan = await explaining.explain('select city from rydebookings where fare > 10', 'wildrydes');
    expect(plan).toMatch(/READ_CSV/);
    expect(plan).toMatch(/fare > 10/);
    expect(athena.executions().at(-1)!.query).toBe('EXPLAIN\nselect city from rydebookings where fare > 10\n');
    expect(await keysUnder('explain/')).toEqual([]);
    await expect(explaining.explain('select * from nope', 'wildrydes')).rejects.toThrow(/TABLE_NOT_FOUND/);

    athena.hangNextQuery();
    // Only a hung EXPLAIN meets this short timeout: the server never ends it on its own.
    const impatient = engineFor(athena, { explainOutput: { bucket: RESULTS, folder: 'explain/' }, explainTimeoutMs: 200 });
    await expect(impatient.explain('select 1', 'wildrydes')).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(athena.executions().at(-1)!.state).toBe('CANCELLED');
  });

  it('refuses anything but a single SELECT/WITH, and a format Athena cannot write, before calling Athena', async () => {
    await expect(engine.explain('drop table rydebookings', 'wildrydes')).rejects.toBeInstanceOf(SandboxError);
    await expect(engine.start(request('insert into rydebookings values (4, 1, 1)'))).rejects.toBeInstanceOf(SandboxError);
    await expect(engine.start(request('select 1; select 2'))).rejects.toBeInstanceOf(SandboxError);
    await expect(engine.start(request('select 1', { format: 'parquet' }))).rejects.toBeInstanceOf(ValidationError);
    expect(athena.requests).toEqual([]);
  });

  it('an id Athena does not know reports FAILED with a TransientError, as the port says', async () => {
    const status = await engine.status('00000000-0000-0000-0000-000000000000');
    expect(status.state).toBe('FAILED');
    expect(status.error).toBeInstanceOf(TransientError);
  });

  it('counts rows over every GetQueryResults page when Athena has no runtime statistics', async () => {
    const bare = await serve({ runtimeStatistics: false });
    const counting = engineFor(bare);
    const status = await settle(counting, await counting.start(request('select n from numbers')));
    expect(status.result?.rowCount).toBe(2500);
    expect(status.dataScannedBytes).toBe(20_000);
    expect(bare.requests.filter((r) => r.operation === 'GetQueryResults')).toHaveLength(3);
  });

  it('finds the endpoint in AWS_ENDPOINT_URL_ATHENA through the SDK’s standard chain', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_ATHENA;
    process.env.AWS_ENDPOINT_URL_ATHENA = athena.endpoint;
    try {
      const fromEnv = new AthenaQueryEngine({ objects, clientConfig: { ...clientConfig, requestHandler: localOnlyRequestHandler() } });
      engines.push(fromEnv);
      expect((await settle(fromEnv, await fromEnv.start(request('select 1 as one')))).result?.rowCount).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ATHENA;
      else process.env.AWS_ENDPOINT_URL_ATHENA = saved;
    }
  });
});
