import fs from 'node:fs';
import { DeleteTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteTables,
  localStoreOptions,
  startDynamoDbLocal,
  uniquePrefix,
  type DynamoDbLocal,
} from '../../../../test/helpers/aws/dynamodb-local.js';
import { parseCuration } from '../../../domain/curation.js';
import { EnvironmentError } from '../../../domain/errors.js';
import { curationFixture, historyRecordFixture, runFixture } from '../../../ports/state-store.contract.js';
import { queuedRun } from '../../../ports/scheduling.contract.js';
import { DynamoStateStore } from './dynamo-state-store.js';
import { SAMPLE_TIME } from './curations.js';

// What only the DynamoDB store must show: items the sample's Lambdas wrote
// read back through the ports, items adp writes keep the sample's field
// names, table management. The port behaviour itself is the contract suites'
// (test/contracts, backend `dynamodb`).

/** The sample's own definition file (a copy of its ddbCurationDetailsConfig.json). */
const SEED = new URL('../../../../test/fixtures/ddbCurationDetailsConfig.json', import.meta.url);
const seedDefinition = (): Record<string, unknown> => JSON.parse(fs.readFileSync(SEED, 'utf8')) as Record<string, unknown>;

/** A success item as the sample's record Lambda writes it: no status, no adp attributes, the resolved outputDetails. */
const sampleSuccess = {
  curationType: 'wildrydes-rydebooking',
  timestamp: 1_600_000_000_000,
  curationExecutionName: '20200913121320ABCDEF_wildrydes_rydebooking',
  scriptFileCommitId: '0123456789abcdef0123456789abcdef01234567',
  glueDetails: { database: 'wildrydes', tables: ['rydebookings', 'wildrydes-external.ryders'] },
  outputDetails: {
    outputBucket: 'wildrydes-dev-curated',
    outputFolderPath: 'wildrydes/',
    outputFilename: 'wildrydes',
    includeTimestampInFilenameBool: true,
    metadata: { quality: 'HIGH' },
    tags: { pii: 'FALSE' },
  },
  queryOutputLocation: 's3://wildrydes-dev-athena-output/adp/q-1.csv',
  curationOutputLocation: 's3://wildrydes-dev-curated/wildrydes/wildrydes20200913121320.csv',
  athenaQueryExecutionId: 'q-1',
  metadata: { quality: 'HIGH' },
  tags: { pii: 'FALSE' },
};

/** A failure item of the sample: `error`, `errorCause`, the raw result as `curationKey`, no status. */
const sampleFailure = {
  curationType: 'wildrydes-rydebooking',
  timestamp: 1_600_000_060_000,
  curationExecutionName: '20200913121420GHIJKL_wildrydes_rydebooking',
  error: 'Failed to start processing',
  errorCause: { errorType: 'InvalidRequestException', errorMessage: 'line 1:8: mismatched input' },
  curationKey: 'adp/q-2.csv',
  glueDetails: { database: 'wildrydes', tables: ['rydebookings'] },
};

describe('DynamoStateStore on DynamoDB Local', () => {
  let local: DynamoDbLocal;
  let doc: DynamoDBDocumentClient;
  const prefixes: string[] = [];

  beforeAll(async () => {
    local = await startDynamoDbLocal();
    doc = DynamoDBDocumentClient.from(local.client());
  });
  afterAll(async () => {
    for (const p of prefixes) await deleteTables(local, p);
    await local?.stop();
  });

  async function open(prefix = uniquePrefix()) {
    prefixes.push(prefix);
    return { prefix, store: await DynamoStateStore.open({ ...localStoreOptions(local, prefix), migrate: true }) };
  }

  it("reads the sample's definition and history items, deriving each record's status", async () => {
    const { prefix, store } = await open();
    try {
      await doc.send(new PutCommand({ TableName: `${prefix}curationDetails`, Item: seedDefinition() }));
      await doc.send(new PutCommand({ TableName: `${prefix}curationHistory`, Item: sampleSuccess }));
      await doc.send(new PutCommand({ TableName: `${prefix}curationHistory`, Item: sampleFailure }));

      const [curation] = await store.listCurations();
      expect(curation).toStrictEqual({ definition: seedDefinition(), version: 0, createdAt: SAMPLE_TIME, updatedAt: SAMPLE_TIME });
      expect(parseCuration(curation!.definition).curationType).toBe('wildrydes-rydebooking');

      const page = await store.listHistory({ curationType: 'wildrydes-rydebooking', limit: 10 });
      expect(page.records.map((r) => [r.curationExecutionName, r.status])).toEqual([
        [sampleFailure.curationExecutionName, 'failed'],
        [sampleSuccess.curationExecutionName, 'succeeded'],
      ]);
      const failed = await store.getHistoryRecord(sampleFailure.curationExecutionName);
      // Unknown attributes are the record: the sample's curationKey stays.
      expect(failed).toMatchObject({ status: 'failed', error: 'Failed to start processing', curationKey: 'adp/q-2.csv', attempt: 1, engine: 'athena' });
      expect((await store.listHistory({ curationType: 'wildrydes-rydebooking', statuses: ['failed'], limit: 10 })).records).toHaveLength(1);
      expect((await store.listHistory({ curationType: 'wildrydes-rydebooking', statuses: ['succeeded'], limit: 10 })).records).toHaveLength(1);

      // Items the sample wrote after the last migrate reach the cross-curation listing once migrate indexes them.
      expect((await DynamoStateStore.ensureTables(localStoreOptions(local, prefix))).recordsIndexed).toBe(2);
      expect((await store.listHistory({ statuses: ['failed'], limit: 10 })).records.map((r) => r.curationExecutionName)).toEqual([
        sampleFailure.curationExecutionName,
      ]);
      expect((await store.listHistory({ limit: 10 })).records).toHaveLength(2);
      const raw = await doc.send(new GetCommand({ TableName: `${prefix}curationHistory`, Key: { curationType: sampleSuccess.curationType, timestamp: sampleSuccess.timestamp } }));
      const { adpPartition: _p, adpTimeKey: _k, adpStatus: _s, ...untouched } = raw.Item!;
      expect(untouched).toStrictEqual(sampleSuccess);

      // A put over the sample's item starts adp's bookkeeping at version 1.
      expect((await store.putCuration(curationFixture())).version).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("writes items in the sample's field names, adp's bookkeeping only in adp… attributes", async () => {
    const { prefix, store } = await open();
    try {
      await store.putCuration(curationFixture());
      const def = await doc.send(new GetCommand({ TableName: `${prefix}curationDetails`, Key: { curationType: 'wildrydes-rydebooking' } }));
      const { adpVersion, adpCreatedAt, adpUpdatedAt, ...definition } = def.Item!;
      expect(definition).toStrictEqual(curationFixture());
      expect([adpVersion, typeof adpCreatedAt, typeof adpUpdatedAt]).toEqual([1, 'string', 'string']);

      await store.createRun(runFixture());
      const record = await store.finishRun(historyRecordFixture());
      const item = await doc.send(new GetCommand({ TableName: `${prefix}curationHistory`, Key: { curationType: record.curationType, timestamp: record.timestamp } }));
      const extra = Object.keys(item.Item!).filter((k) => !(k in record));
      expect(extra.sort()).toEqual(['adpPartition', 'adpStatus', 'adpTimeKey']);
      for (const [k, v] of Object.entries(record)) expect(item.Item![k]).toStrictEqual(v);
    } finally {
      await store.close();
    }
  });

  it('creates the tables once: ensureTables is idempotent', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const first = await DynamoStateStore.ensureTables(localStoreOptions(local, prefix));
    expect(first.created).toEqual([`${prefix}curationDetails`, `${prefix}curationHistory`, `${prefix}adpState`]);
    const second = await DynamoStateStore.ensureTables(localStoreOptions(local, prefix));
    expect(second).toEqual({ created: [], indexesAdded: [], recordsIndexed: 0 });
    const tables = (await local.client().send(new ListTablesCommand({}))).TableNames ?? [];
    expect(tables.filter((t) => t.startsWith(prefix))).toHaveLength(3);
  });

  it("adds adp's indexes to the sample's own history table", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    await DynamoStateStore.ensureTables(localStoreOptions(local, prefix));
    // The sample's table: same keys, none of adp's indexes.
    await local.client().send(new DeleteTableCommand({ TableName: `${prefix}curationHistory` }));
    const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
    await local.client().send(
      new CreateTableCommand({
        TableName: `${prefix}curationHistory`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'curationType', AttributeType: 'S' },
          { AttributeName: 'timestamp', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'curationType', KeyType: 'HASH' },
          { AttributeName: 'timestamp', KeyType: 'RANGE' },
        ],
      }),
    );
    const err = await DynamoStateStore.open(localStoreOptions(local, prefix)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/lacks the indexes .*adp migrate/);
    const report = await DynamoStateStore.ensureTables(localStoreOptions(local, prefix));
    expect(report.indexesAdded).toHaveLength(3);
    const store = await DynamoStateStore.open(localStoreOptions(local, prefix));
    await store.close();
  });

  it('refuses missing tables with EnvironmentError saying to run adp migrate', async () => {
    const options = localStoreOptions(local);
    const err = await DynamoStateStore.open(options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err).toMatchObject({ code: 'ENVIRONMENT' });
    expect((err as Error).message).toContain(`${options.prefix}curationDetails`);
    expect((err as Error).message).toContain('adp migrate');

    // Tables dropped behind an open store's back: the same error from the call.
    const { prefix, store } = await open();
    try {
      await deleteTables(local, prefix);
      const late = await store.getCuration('x').catch((e: unknown) => e);
      expect(late).toBeInstanceOf(EnvironmentError);
      expect((late as Error).message).toContain('adp migrate');
    } finally {
      await store.close();
    }
  });

  it('queues runs by overlap policy, so of two starters at once exactly one sees the other', async () => {
    const { store } = await open();
    try {
      const q = store.scheduling;
      const now = new Date('2027-01-04T10:00:00.500Z');
      const results = await Promise.all(
        ['s1', 's2', 's3'].map((n, i) => q.enqueueRun(queuedRun(n, 'alpha', { createdAt: `2027-01-04T10:00:00.00${i}Z` }), 'skip', now, 'overlap')),
      );
      expect(results.filter((r) => r.queued)).toHaveLength(1);
      expect((await q.activeRuns(['alpha'])).map((r) => r.executionName)).toHaveLength(1);
      const [first] = await q.activeRuns(['alpha']);
      const queued = await q.enqueueRun(queuedRun('c1', 'alpha', { createdAt: '2027-01-04T10:00:01.000Z' }), 'cancelRunning', now, 'superseded');
      expect(queued).toEqual({ queued: true, behind: [first!.executionName], cancelling: [first!.executionName] });
      expect(await q.cancelRequests([first!.executionName])).toEqual(new Map([[first!.executionName, 'superseded']]));
      // A named claim waits in line behind the older run of its curation.
      expect(await q.claimRun('c1', { owner: 'w1', now, leaseUntil: new Date(now.getTime() + 1000) })).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('gives each run to one of many concurrent claimers, and holds the cap under concurrent capped claims', async () => {
    const { store } = await open();
    try {
      const q = store.scheduling;
      const now = new Date('2027-01-04T10:00:00.500Z');
      const curations = ['a', 'b', 'c', 'd', 'e', 'f'];
      for (const [i, c] of curations.entries()) await store.createRun(queuedRun(`r${i}`, c, { createdAt: `2027-01-04T10:00:00.00${i}Z` }));
      const lease = (owner: string, maxActive?: number) => ({ owner, now, leaseUntil: new Date(now.getTime() + 30_000), ...(maxActive ? { maxActive } : {}) });

      const capped = await Promise.all(Array.from({ length: 8 }, (_, i) => q.claimNextRun(lease(`capped-${i}`, 3))));
      const cappedNames = capped.filter((c) => c !== undefined).map((c) => c.run.executionName);
      expect(cappedNames.length).toBeLessThanOrEqual(3);
      expect(new Set(cappedNames).size).toBe(cappedNames.length);

      const free = await Promise.all(Array.from({ length: 8 }, (_, i) => q.claimNextRun(lease(`free-${i}`))));
      const freeNames = free.filter((c) => c !== undefined).map((c) => c.run.executionName);
      // Every run is held exactly once over both rounds (a claimer that lost every race may come back empty; none may share).
      expect(new Set([...cappedNames, ...freeNames]).size).toBe(cappedNames.length + freeNames.length);
      for (;;) {
        const more = await q.claimNextRun(lease('sweeper'));
        if (!more) break;
        freeNames.push(more.run.executionName);
      }
      expect([...cappedNames, ...freeNames].sort()).toEqual(curations.map((_, i) => `r${i}`));
    } finally {
      await store.close();
    }
  });
});
