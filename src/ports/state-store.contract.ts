import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CurationDefinition } from '../domain/curation.js';
import { AdpError, NotFoundError, ValidationError } from '../domain/errors.js';
import { RUN_STATUSES, resolvedOutputDetails, type HistoryRecord, type TerminalStatus } from '../domain/history.js';
import type { RunState } from '../domain/run.js';
import { nameMatches, timelineOf, timelineRowOf, type TimelineQuery } from '../domain/timeline.js';
import type { HistoryQuery, StateStore } from './state-store.js';

// The behaviour every StateStore adapter must show, as a vitest suite that
// each adapter's test file runs against its own backend. Nothing here knows
// the backend: a PostgreSQL or DynamoDB adapter passes the same suite.

/** The sample's curation, as a definition that passes `parseCuration`. */
export function curationFixture(overrides: Partial<CurationDefinition> = {}): CurationDefinition {
  return {
    curationType: 'wildrydes-rydebooking',
    sqlFilePath: 'wildrydes/rydebooking-curation.sql',
    cronExpression: 'cron(0 12 * * ? *)',
    glueDetails: { database: 'wildrydes', tables: ['rydebookings', 'wildrydes-external.ryders'] },
    athenaDetails: { athenaOutputBucket: 'athena-results', athenaOutputFolderPath: 'raw/', deleteAthenaQueryFile: true },
    outputDetails: {
      outputBucket: 'curated-data',
      outputFolderPath: 'rydebookings/',
      filename: 'rydebookings',
      includeTimestampInFilename: true,
      metadata: { owner: 'data-team', classification: 'internal' },
      tags: { project: 'wildrydes' },
    },
    ...overrides,
  };
}

/** A running run with every optional field set. */
export function runFixture(overrides: Partial<RunState> = {}): RunState {
  return {
    executionName: '20270104100000K3QZ8A_wildrydes_rydebooking',
    curationType: 'wildrydes-rydebooking',
    status: 'running',
    step: 'awaitQuery',
    trigger: 'schedule',
    scheduledTime: '2027-01-04T10:00:00.000Z',
    parameters: { region: 'eu' },
    attempt: 1,
    createdAt: '2027-01-04T10:00:00.100Z',
    startedAt: '2027-01-04T10:00:00.200Z',
    updatedAt: '2027-01-04T10:00:01.000Z',
    context: {
      definition: curationFixture(),
      scriptFileCommitId: '0123456789abcdef0123456789abcdef01234567',
      sql: 'SELECT * FROM rydebookings',
      queryExecutionId: 'q-1',
      rowCount: 42,
    },
    leaseOwner: 'worker-1',
    leaseUntil: '2027-01-04T10:01:00.000Z',
    ...overrides,
  };
}

/** A succeeded run's terminal record (the sample's fields plus extensions). */
export function historyRecordFixture(overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    curationType: 'wildrydes-rydebooking',
    timestamp: Date.UTC(2027, 0, 4, 10, 0, 5),
    curationExecutionName: '20270104100000K3QZ8A_wildrydes_rydebooking',
    scriptFileCommitId: '0123456789abcdef0123456789abcdef01234567',
    glueDetails: curationFixture().glueDetails,
    outputDetails: resolvedOutputDetails(curationFixture().outputDetails),
    queryOutputLocation: 's3://athena-results/raw/q-1.csv',
    curationOutputLocation: 's3://curated-data/rydebookings/rydebookings20270104100000.csv',
    athenaQueryExecutionId: 'q-1',
    metadata: { owner: 'data-team' },
    tags: { project: 'wildrydes' },
    status: 'succeeded',
    trigger: 'schedule',
    scheduledTime: '2027-01-04T10:00:00.000Z',
    startedAt: '2027-01-04T10:00:00.200Z',
    durationMs: 4800,
    rowCount: 42,
    bytesWritten: 1024,
    sqlSha256: 'a'.repeat(64),
    attempt: 1,
    engine: 'duckdb',
    ...overrides,
  };
}

/** A failed record for `name`, minimal fields only. */
function failedRecord(name: string, curationType: string, timestamp: number, status: TerminalStatus = 'failed'): HistoryRecord {
  return {
    curationType,
    timestamp,
    curationExecutionName: name,
    status,
    trigger: 'manual',
    startedAt: new Date(timestamp - 1000).toISOString(),
    durationMs: 1000,
    attempt: 1,
    engine: 'duckdb',
    error: 'QUERY_FAILED',
    errorCause: { errorType: 'QueryFailedError', errorMessage: 'Binder Error: column x not found' },
  };
}

/** Every page of a query, following cursors; fails if the pages never end. */
async function allPages(store: StateStore, query: HistoryQuery): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await store.listHistory({ ...query, cursor });
    expect(result.records.length).toBeLessThanOrEqual(query.limit);
    out.push(...result.records);
    if (result.nextCursor === undefined) return out;
    expect(result.records.length).toBe(query.limit);
    cursor = result.nextCursor;
  }
  throw new Error('listHistory pages did not end');
}

const newestFirst = (a: HistoryRecord, b: HistoryRecord): number =>
  b.timestamp - a.timestamp || (a.curationExecutionName < b.curationExecutionName ? 1 : a.curationExecutionName > b.curationExecutionName ? -1 : 0);

/**
 * Declares the StateStore contract suite. `open` must return a new, empty
 * store; `close` disposes of it (default: `store.close()`), e.g. to remove a
 * temp folder or drop a schema.
 *
 * @example
 * stateStoreContract('SqliteStateStore (memory)', async () => SqliteStateStore.open(':memory:'));
 */
export function stateStoreContract(
  name: string,
  open: () => Promise<StateStore>,
  close: (store: StateStore) => Promise<void> = (store) => store.close(),
): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await close(store);
    });

    describe('curations', () => {
      it('stores a definition at version 1 and returns it unchanged', async () => {
        const stored = await store.putCuration(curationFixture());
        expect(stored.version).toBe(1);
        expect(stored.definition).toStrictEqual(curationFixture());
        expect(stored.createdAt).toBe(stored.updatedAt);
        expect(Number.isNaN(Date.parse(stored.createdAt))).toBe(false);
        expect(await store.getCuration('wildrydes-rydebooking')).toStrictEqual(stored);
      });

      it('increments the version on every put and keeps createdAt', async () => {
        const first = await store.putCuration(curationFixture());
        await store.putCuration(curationFixture({ enabled: false }));
        const third = await store.putCuration(curationFixture({ timeoutSeconds: 60 }));
        expect(third.version).toBe(3);
        expect(third.createdAt).toBe(first.createdAt);
        expect(third.updatedAt >= first.updatedAt).toBe(true);
        expect(third.definition).toStrictEqual(curationFixture({ timeoutSeconds: 60 }));
        expect(await store.getCuration('wildrydes-rydebooking')).toStrictEqual(third);
      });

      it('keeps curations apart and lists them all', async () => {
        await store.putCuration(curationFixture({ curationType: 'b' }));
        await store.putCuration(curationFixture({ curationType: 'a' }));
        await store.putCuration(curationFixture({ curationType: 'b', enabled: false }));
        const list = await store.listCurations();
        const byType = Object.fromEntries(list.map((c) => [c.definition.curationType, c.version]));
        expect(byType).toEqual({ a: 1, b: 2 });
      });

      it('returns undefined for an unknown curation', async () => {
        expect(await store.getCuration('nope')).toBeUndefined();
        expect(await store.listCurations()).toEqual([]);
      });

      it('deletes a curation and says whether it existed', async () => {
        await store.putCuration(curationFixture());
        expect(await store.deleteCuration('wildrydes-rydebooking')).toBe(true);
        expect(await store.deleteCuration('wildrydes-rydebooking')).toBe(false);
        expect(await store.getCuration('wildrydes-rydebooking')).toBeUndefined();
      });
    });

    describe('runs', () => {
      it('round-trips a run with every field', async () => {
        await store.createRun(runFixture());
        expect(await store.getRun(runFixture().executionName)).toStrictEqual(runFixture());
      });

      it('round-trips a minimal run and leaves undefined fields out', async () => {
        const minimal: RunState = {
          executionName: 'r1',
          curationType: 'c',
          status: 'queued',
          step: 'retrieve',
          trigger: 'manual',
          attempt: 1,
          createdAt: '2027-01-01T00:00:00.000Z',
          updatedAt: '2027-01-01T00:00:00.000Z',
          context: {},
        };
        await store.createRun({ ...minimal, leaseOwner: undefined, startedAt: undefined });
        const got = await store.getRun('r1');
        expect(got).toStrictEqual(minimal);
        expect(got && 'leaseOwner' in got).toBe(false);
      });

      it('refuses to create a run twice', async () => {
        await store.createRun(runFixture());
        const err = await store.createRun(runFixture({ status: 'queued' })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AdpError);
        expect(await store.getRun(runFixture().executionName)).toStrictEqual(runFixture());
      });

      it('replaces a run on save', async () => {
        await store.createRun(runFixture());
        const next = runFixture({
          step: 'publishOutput',
          attempt: 2,
          updatedAt: '2027-01-04T10:00:09.000Z',
          context: { queryExecutionId: 'q-1', rowCount: 7, finalKey: 'out/x.csv' },
          leaseOwner: 'worker-2',
        });
        await store.saveRun(next);
        expect(await store.getRun(next.executionName)).toStrictEqual(next);
      });

      it('clears optional fields that a save leaves out', async () => {
        await store.createRun(runFixture());
        const { leaseOwner: _owner, leaseUntil: _until, ...unleased } = runFixture();
        await store.saveRun(unleased);
        expect(await store.getRun(unleased.executionName)).toStrictEqual(unleased);
      });

      it('refuses to save an unknown run with NotFoundError', async () => {
        const err = await store.saveRun(runFixture({ executionName: 'ghost' })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(NotFoundError);
        expect(err).toMatchObject({ kind: 'run', id: 'ghost' });
        expect(await store.getRun('ghost')).toBeUndefined();
      });

      it('lists queued and running runs only, oldest first', async () => {
        await store.createRun(runFixture({ executionName: 'late', status: 'queued', createdAt: '2027-01-04T10:00:03.000Z' }));
        await store.createRun(runFixture({ executionName: 'early', status: 'running', createdAt: '2027-01-04T10:00:01.000Z' }));
        await store.createRun(runFixture({ executionName: 'done', status: 'succeeded', createdAt: '2027-01-04T10:00:00.000Z' }));
        await store.createRun(runFixture({ executionName: 'mid', status: 'running', createdAt: '2027-01-04T10:00:02.000Z' }));
        const active = await store.listActiveRuns();
        expect(active.map((r) => r.executionName)).toEqual(['early', 'mid', 'late']);
        expect(active[0]).toStrictEqual(runFixture({ executionName: 'early', status: 'running', createdAt: '2027-01-04T10:00:01.000Z' }));
      });
    });

    describe('finishRun', () => {
      it('stores the record, returns it and marks the run with its status', async () => {
        await store.createRun(runFixture());
        const stored = await store.finishRun(historyRecordFixture());
        expect(stored).toStrictEqual(historyRecordFixture());
        expect(await store.getHistoryRecord(historyRecordFixture().curationExecutionName)).toStrictEqual(stored);
        expect((await store.getRun(runFixture().executionName))?.status).toBe('succeeded');
        expect(await store.listActiveRuns()).toEqual([]);
      });

      it('records a run that never had a run row (a start that could not begin)', async () => {
        const record = failedRecord('20270104100000AAAAAA_unknown', 'unknown', 1_000);
        expect(await store.finishRun(record)).toStrictEqual(record);
        expect(await store.getRun(record.curationExecutionName)).toBeUndefined();
        expect(await store.getHistoryRecord(record.curationExecutionName)).toStrictEqual(record);
      });

      it('returns the first record unchanged when called again for the same run', async () => {
        await store.createRun(runFixture());
        const first = await store.finishRun(historyRecordFixture());
        const again = await store.finishRun(historyRecordFixture({ status: 'failed', timestamp: first.timestamp + 99, error: 'X' }));
        expect(again).toStrictEqual(first);
        expect((await store.getRun(runFixture().executionName))?.status).toBe('succeeded');
        expect((await store.listHistory({ limit: 10 })).records).toStrictEqual([first]);
      });

      it('keeps exactly one record when the same run finishes concurrently', async () => {
        const results = await Promise.all(
          RUN_STATUSES.map((status, i) => store.finishRun(historyRecordFixture({ status, timestamp: 5_000 + i }))),
        );
        for (const r of results) expect(r).toStrictEqual(results[0]);
        expect((await store.listHistory({ limit: 10 })).records).toHaveLength(1);
      });

      it('moves a colliding timestamp forward by 1 ms until free, per curation only', async () => {
        const t = 1_700_000_000_000;
        const a = await store.finishRun(failedRecord('a1', 'alpha', t));
        const b = await store.finishRun(failedRecord('a2', 'alpha', t));
        const c = await store.finishRun(failedRecord('a3', 'alpha', t));
        const other = await store.finishRun(failedRecord('b1', 'beta', t));
        expect([a.timestamp, b.timestamp, c.timestamp, other.timestamp]).toEqual([t, t + 1, t + 2, t]);
        expect(b).toStrictEqual({ ...failedRecord('a2', 'alpha', t), timestamp: t + 1 });
        expect((await store.getHistoryRecord('a3'))?.timestamp).toBe(t + 2);
      });

      it('skips over records already at later timestamps', async () => {
        await store.finishRun(failedRecord('x1', 'alpha', 10));
        await store.finishRun(failedRecord('x2', 'alpha', 11));
        await store.finishRun(failedRecord('x3', 'alpha', 13));
        expect((await store.finishRun(failedRecord('x4', 'alpha', 10))).timestamp).toBe(12);
        expect((await store.finishRun(failedRecord('x5', 'alpha', 11))).timestamp).toBe(14);
      });

      it('leaves undefined fields out of the stored record', async () => {
        const stored = await store.finishRun({ ...failedRecord('u1', 'alpha', 1), rowCount: undefined });
        expect('rowCount' in stored).toBe(false);
        const read = await store.getHistoryRecord('u1');
        expect(read && 'rowCount' in read).toBe(false);
      });

      it('returns undefined for an unknown record', async () => {
        expect(await store.getHistoryRecord('nope')).toBeUndefined();
      });
    });

    describe('listHistory', () => {
      async function seed(): Promise<HistoryRecord[]> {
        const records = [
          failedRecord('n1', 'alpha', 100, 'succeeded'),
          failedRecord('n2', 'alpha', 200, 'failed'),
          failedRecord('n3', 'beta', 200, 'succeeded'),
          failedRecord('n4', 'beta', 300, 'timed_out'),
          failedRecord('n5', 'alpha', 400, 'succeeded'),
        ];
        for (const r of records) await store.finishRun(r);
        return records;
      }

      it('lists newest first, then by executionName descending', async () => {
        await seed();
        const page = await store.listHistory({ limit: 10 });
        expect(page.records.map((r) => r.curationExecutionName)).toEqual(['n5', 'n4', 'n3', 'n2', 'n1']);
        expect(page.nextCursor).toBeUndefined();
      });

      it('filters by curation, statuses, a piece of the name and inclusive time bounds', async () => {
        await seed();
        const names = async (q: Omit<HistoryQuery, 'limit'>) =>
          (await store.listHistory({ ...q, limit: 10 })).records.map((r) => r.curationExecutionName);
        expect(await names({ curationType: 'alpha' })).toEqual(['n5', 'n2', 'n1']);
        expect(await names({ statuses: ['succeeded'] })).toEqual(['n5', 'n3', 'n1']);
        expect(await names({ curationType: 'alpha', statuses: ['succeeded'] })).toEqual(['n5', 'n1']);
        expect(await names({ statuses: ['failed', 'timed_out'] })).toEqual(['n4', 'n2']);
        expect(await names({ statuses: [] })).toEqual([]);
        expect(await names({ search: 'BET' })).toEqual(['n4', 'n3']);
        expect(await names({ search: 'n5' })).toEqual(['n5']);
        expect(await names({ search: '%' })).toEqual([]);
        expect(await names({ curationType: 'alpha', statuses: ['succeeded', 'failed'], search: 'N' })).toEqual(['n5', 'n2', 'n1']);
        expect(await names({ from: 200, to: 300 })).toEqual(['n4', 'n3', 'n2']);
        expect(await names({ curationType: 'beta', from: 250 })).toEqual(['n4']);
        expect(await names({ curationType: 'gamma' })).toEqual([]);
      });

      it('pages with an opaque cursor, with nextCursor only while more rows exist', async () => {
        await seed();
        const p1 = await store.listHistory({ limit: 2 });
        expect(p1.records.map((r) => r.curationExecutionName)).toEqual(['n5', 'n4']);
        expect(typeof p1.nextCursor).toBe('string');
        const p2 = await store.listHistory({ limit: 2, cursor: p1.nextCursor });
        expect(p2.records.map((r) => r.curationExecutionName)).toEqual(['n3', 'n2']);
        const p3 = await store.listHistory({ limit: 2, cursor: p2.nextCursor });
        expect(p3.records.map((r) => r.curationExecutionName)).toEqual(['n1']);
        expect(p3.nextCursor).toBeUndefined();
        const exact = await store.listHistory({ limit: 5 });
        expect(exact.records).toHaveLength(5);
        expect(exact.nextCursor).toBeUndefined();
      });

      it('keeps filters and time bounds across pages', async () => {
        await seed();
        const q = { curationType: 'alpha', to: 300, limit: 1 };
        expect((await allPages(store, q)).map((r) => r.curationExecutionName)).toEqual(['n2', 'n1']);
      });

      it('refuses a bad cursor or limit with ValidationError', async () => {
        await seed();
        await expect(store.listHistory({ limit: 2, cursor: 'not a cursor' })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.listHistory({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.listHistory({ limit: 1.5 })).rejects.toBeInstanceOf(ValidationError);
      });
    });

    describe('historyTimeline', () => {
      const t0 = Date.UTC(2027, 0, 4, 10, 0, 0);
      /** A run scheduled at `scheduledMin` (minutes after t0; none when undefined), started at `startMin`, lasting `durationMs`. */
      function timed(name: string, curationType: string, startMin: number, durationMs: number, status: TerminalStatus, scheduledMin?: number): HistoryRecord {
        const startedMs = t0 + startMin * 60_000;
        return {
          ...failedRecord(name, curationType, startedMs + durationMs, status),
          startedAt: new Date(startedMs).toISOString(),
          durationMs,
          ...(scheduledMin === undefined ? {} : { scheduledTime: new Date(t0 + scheduledMin * 60_000).toISOString(), trigger: 'backfill' as const }),
        };
      }
      async function seed(): Promise<HistoryRecord[]> {
        const records = [
          timed('r1-alpha', 'alpha', 0, 5, 'succeeded', -1440),
          timed('r2-alpha', 'alpha', 0, 50, 'succeeded', -1440),
          timed('r3-alpha', 'alpha', 1, 4_000, 'failed'),
          timed('r4-beta', 'beta', 2, 4_500, 'failed', 2),
          timed('r5-beta', 'beta', 30, 20_000_000, 'timed_out', 29),
          timed('R6-Gamma_x', 'gamma', 61, 100, 'succeeded'),
        ];
        const stored = [];
        for (const r of records) stored.push(await store.finishRun(r));
        return stored;
      }
      const window = (q: Partial<TimelineQuery> = {}): TimelineQuery => ({ from: t0, to: t0 + 3600_000, by: 'started', pointLimit: 100, ...q });

      it('returns each run of the window by start time, oldest first, when there are few', async () => {
        await seed();
        const got = await store.historyTimeline(window());
        expect(got.total).toBe(5);
        expect('points' in got && got.points.map((p) => p.name)).toEqual(['r1-alpha', 'r2-alpha', 'r3-alpha', 'r4-beta', 'r5-beta']);
        expect('points' in got && got.points[3]).toEqual({
          name: 'r4-beta',
          curationType: 'beta',
          status: 'failed',
          at: t0 + 2 * 60_000,
          startedAt: t0 + 2 * 60_000,
          durationMs: 4_500,
          scheduled: true,
        });
      });

      it('places the runs that started in the window by scheduled time, and those without one at their start', async () => {
        await seed();
        const got = await store.historyTimeline(window({ to: t0 + 40 * 60_000, by: 'scheduled' }));
        expect('points' in got && got.points.map((p) => [p.name, (p.at - t0) / 60_000, p.scheduled])).toEqual([
          ['r1-alpha', -1440, true],
          ['r2-alpha', -1440, true],
          ['r3-alpha', 1, false],
          ['r4-beta', 2, true],
          ['r5-beta', 29, true],
        ]);
      });

      it('groups into minute, status and duration band cells past pointLimit', async () => {
        await seed();
        const got = await store.historyTimeline(window({ pointLimit: 2 }));
        expect(got.total).toBe(5);
        const m = Math.floor(t0 / 60_000);
        expect('cells' in got && got.cells).toEqual([
          { minute: m, status: 'succeeded', band: 0, count: 1, unscheduled: 0, minDurationMs: 5, maxDurationMs: 5 },
          { minute: m, status: 'succeeded', band: 1, count: 1, unscheduled: 0, minDurationMs: 50, maxDurationMs: 50 },
          { minute: m + 1, status: 'failed', band: 3, count: 1, unscheduled: 0, minDurationMs: 4_000, maxDurationMs: 4_000 },
          { minute: m + 2, status: 'failed', band: 3, count: 1, unscheduled: 0, minDurationMs: 4_500, maxDurationMs: 4_500 },
          { minute: m + 30, status: 'timed_out', band: 7, count: 1, unscheduled: 0, minDurationMs: 20_000_000, maxDurationMs: 20_000_000 },
        ]);
      });

      it('filters by curation, statuses and a piece of the name (ASCII letters in either case, wildcards literal)', async () => {
        await seed();
        const names = async (q: Partial<TimelineQuery>) => {
          const got = await store.historyTimeline(window({ to: t0 + 7200_000, ...q }));
          return 'points' in got ? got.points.map((p) => p.name) : [];
        };
        expect(await names({ curationType: 'beta' })).toEqual(['r4-beta', 'r5-beta']);
        expect(await names({ statuses: ['failed', 'timed_out'] })).toEqual(['r3-alpha', 'r4-beta', 'r5-beta']);
        expect(await names({ statuses: [] })).toEqual([]);
        expect(await names({ search: 'GAMMA' })).toEqual(['R6-Gamma_x']);
        expect(await names({ search: 'r6-g' })).toEqual(['R6-Gamma_x']);
        expect(await names({ search: 'a_x' })).toEqual(['R6-Gamma_x']);
        expect(await names({ search: '%' })).toEqual([]);
        expect(await names({ search: 'a_' })).toEqual(['R6-Gamma_x']);
        expect(await names({ search: 'alp', statuses: ['succeeded'] })).toEqual(['r1-alpha', 'r2-alpha']);
      });

      it('refuses bad bounds and limits with ValidationError naming the field', async () => {
        await expect(store.historyTimeline(window({ to: t0 - 1 }))).rejects.toThrow(/to/);
        await expect(store.historyTimeline(window({ to: t0 - 1 }))).rejects.toBeInstanceOf(ValidationError);
        await expect(store.historyTimeline(window({ pointLimit: -1 }))).rejects.toThrow(/pointLimit/);
        await expect(store.historyTimeline(window({ from: 1.5 }))).rejects.toThrow(/from/);
      });
    });

    describe('object attributes', () => {
      const attrs = { metadata: { 'adp-run-id': 'r1', owner: 'data' }, tags: { project: 'wildrydes' } };

      it('stores, replaces and deletes metadata and tags per (bucket, key)', async () => {
        await store.putObjectAttributes('curated-data', 'a/b.csv', attrs);
        await store.putObjectAttributes('curated-data', 'a/c.csv', { metadata: {}, tags: {} });
        expect(await store.getObjectAttributes('curated-data', 'a/b.csv')).toStrictEqual(attrs);
        await store.putObjectAttributes('curated-data', 'a/b.csv', { metadata: { x: '1' }, tags: {} });
        expect(await store.getObjectAttributes('curated-data', 'a/b.csv')).toStrictEqual({ metadata: { x: '1' }, tags: {} });
        await store.deleteObjectAttributes('curated-data', 'a/b.csv');
        expect(await store.getObjectAttributes('curated-data', 'a/b.csv')).toBeUndefined();
        expect(await store.getObjectAttributes('curated-data', 'a/c.csv')).toStrictEqual({ metadata: {}, tags: {} });
      });

      it('returns undefined for unknown objects and deletes them without error', async () => {
        expect(await store.getObjectAttributes('other-bucket', 'a/b.csv')).toBeUndefined();
        await store.deleteObjectAttributes('other-bucket', 'a/b.csv');
      });
    });
  });

  describe(`StateStore contract (property): ${name}`, () => {
    it('historyTimeline equals timelineOf over the stored records, for any window, axis, filters and limit', async () => {
      const t0 = 1_800_000_000_000;
      const run = fc.record({
        curationType: fc.constantFrom('alpha', 'beta'),
        startMin: fc.integer({ min: 0, max: 20 }),
        startMs: fc.integer({ min: 0, max: 59_999 }),
        durationMs: fc.constantFrom(0, 3, 9, 10, 99, 100, 999, 1000, 65_000, 12_000_000),
        status: fc.constantFrom(...RUN_STATUSES),
        lateMin: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      });
      const query = fc.record({
        fromMin: fc.integer({ min: -31, max: 20 }),
        spanMs: fc.integer({ min: 0, max: 40 * 60_000 }),
        by: fc.constantFrom('started' as const, 'scheduled' as const),
        curationType: fc.option(fc.constantFrom('alpha', 'beta'), { nil: undefined }),
        statuses: fc.option(fc.subarray([...RUN_STATUSES]), { nil: undefined }),
        search: fc.option(fc.constantFrom('ALPHA', 'x1', '_', 'beta_r'), { nil: undefined }),
        pointLimit: fc.integer({ min: 0, max: 8 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(run, { maxLength: 14 }), query, async (runs, q) => {
          const s = await open();
          try {
            const stored: HistoryRecord[] = [];
            for (const [i, r] of runs.entries()) {
              const startedMs = t0 + r.startMin * 60_000 + r.startMs;
              const record: HistoryRecord = {
                ...failedRecord(`${r.curationType}_r${i}x${i % 3}`, r.curationType, startedMs + r.durationMs, r.status),
                startedAt: new Date(startedMs).toISOString(),
                durationMs: r.durationMs,
                ...(r.lateMin === undefined ? {} : { scheduledTime: new Date(startedMs - r.lateMin * 60_000).toISOString() }),
              };
              stored.push(await s.finishRun(record));
            }
            const tq: TimelineQuery = {
              from: t0 + q.fromMin * 60_000,
              to: t0 + q.fromMin * 60_000 + q.spanMs,
              by: q.by,
              pointLimit: q.pointLimit,
              ...(q.curationType === undefined ? {} : { curationType: q.curationType }),
              ...(q.statuses === undefined ? {} : { statuses: q.statuses }),
              ...(q.search === undefined ? {} : { search: q.search }),
            };
            expect(await s.historyTimeline(tq)).toStrictEqual(timelineOf(stored.map(timelineRowOf), tq));
          } finally {
            await close(s);
          }
        }),
        { numRuns: 30 },
      );
    });

    it('finishRun with colliding timestamps: one record per run, unique keys, exact newest-first pages', async () => {
      const base = 1_800_000_000_000;
      const op = fc.record({
        curationType: fc.constantFrom('alpha', 'beta'),
        offset: fc.integer({ min: 0, max: 5 }),
        run: fc.integer({ min: 0, max: 12 }),
        status: fc.constantFrom(...RUN_STATUSES),
      });
      const filter = fc.record({
        curationType: fc.option(fc.constantFrom('alpha', 'beta'), { nil: undefined }),
        statuses: fc.option(fc.subarray([...RUN_STATUSES]), { nil: undefined }),
        search: fc.option(fc.constantFrom('ALPHA', 'r0000', '1_B', '%', 'zz'), { nil: undefined }),
        from: fc.option(fc.integer({ min: 0, max: 8 }).map((d) => base + d), { nil: undefined }),
        to: fc.option(fc.integer({ min: 0, max: 8 }).map((d) => base + d), { nil: undefined }),
        limit: fc.integer({ min: 1, max: 6 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 30 }), filter, async (ops, query) => {
          const s = await open();
          try {
            const model = new Map<string, HistoryRecord>();
            const used = new Set<string>();
            for (const o of ops) {
              const name = `20270104100000R${String(o.run).padStart(5, '0')}_${o.curationType}`;
              const input = failedRecord(name, o.curationType, base + o.offset, o.status);
              const got = await s.finishRun(input);
              const known = model.get(name);
              if (known) {
                expect(got).toStrictEqual(known);
                continue;
              }
              let t = input.timestamp;
              while (used.has(`${o.curationType}|${t}`)) t++;
              used.add(`${o.curationType}|${t}`);
              model.set(name, { ...input, timestamp: t });
              expect(got).toStrictEqual(model.get(name));
            }
            for (const [n, r] of model) expect(await s.getHistoryRecord(n)).toStrictEqual(r);

            const all = await allPages(s, { limit: query.limit });
            expect(all).toStrictEqual([...model.values()].sort(newestFirst));
            expect(new Set(all.map((r) => `${r.curationType}|${r.timestamp}`)).size).toBe(all.length);
            for (let i = 1; i < all.length; i++) expect(newestFirst(all[i - 1]!, all[i]!)).toBeLessThan(0);

            const expected = [...model.values()]
              .filter((r) => query.curationType === undefined || r.curationType === query.curationType)
              .filter((r) => query.statuses === undefined || query.statuses.includes(r.status))
              .filter((r) => nameMatches(r.curationType, r.curationExecutionName, query.search))
              .filter((r) => query.from === undefined || r.timestamp >= query.from)
              .filter((r) => query.to === undefined || r.timestamp <= query.to)
              .sort(newestFirst);
            expect(await allPages(s, query)).toStrictEqual(expected);
          } finally {
            await close(s);
          }
        }),
        { numRuns: 40 },
      );
    });
  });
}
