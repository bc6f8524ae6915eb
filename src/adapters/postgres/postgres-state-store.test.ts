import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, StateError, TransientError } from '../../domain/errors.js';
import { curationFixture, historyRecordFixture, runFixture } from '../../ports/state-store.contract.js';
import {
  adminPool,
  disposeTestStore,
  openTestStore,
  schemaBackends,
  TEST_DATABASE_URL,
  terminateBackends,
  usePostgresTestSchemas,
  waitFor,
} from '../../../test/helpers/postgres.js';
import { PostgresStateStore } from './postgres-state-store.js';

usePostgresTestSchemas();

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The test URL with other parts. */
function testUrl(change: (url: URL) => void): string {
  const url = new URL(TEST_DATABASE_URL);
  change(url);
  return url.href;
}

async function openError(connectionString: string): Promise<Error> {
  const err = await PostgresStateStore.open({ connectionString, poolMax: 1 }).then(
    async (store) => {
      await store.close();
      return new Error('opened');
    },
    (e: unknown) => e as Error,
  );
  return err;
}

describe('PostgresStateStore: connecting', () => {
  it('refuses an unreachable server with EnvironmentError naming host:port/database and what to do, never the password', async () => {
    const port = await closedPort();
    const err = await openError(`postgres://adp:s3cr3t-pw@127.0.0.1:${port}/test`);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain(`127.0.0.1:${port}/test`);
    expect(err.message).toMatch(/ECONNREFUSED.*start PostgreSQL.*ADP_DATABASE_URL/);
    expect(err.message).not.toContain('s3cr3t-pw');
    expect(err.stack ?? '').not.toContain('s3cr3t-pw');
  });

  it('refuses a missing database or an unknown role with EnvironmentError saying what to check', async () => {
    const noDb = await openError(testUrl((u) => (u.pathname = '/adp_no_such_database')));
    expect(noDb).toBeInstanceOf(EnvironmentError);
    expect(noDb.message).toMatch(/adp_no_such_database.*3D000.*create the database/);
    const noRole = await openError(
      testUrl((u) => {
        u.username = 'adp_no_such_role';
        u.password = 'hunter2-secret';
      }),
    );
    expect(noRole).toBeInstanceOf(EnvironmentError);
    expect(noRole.message).toMatch(/check the user and password/);
    expect(noRole.message).not.toContain('hunter2-secret');
  });

  it('refuses a schema name that would need quoting', async () => {
    await expect(PostgresStateStore.open({ connectionString: TEST_DATABASE_URL, schema: 'Bad-Name' })).rejects.toThrow(/lower-case SQL identifier/);
  });

  it('names its connections after applicationName, and keeps its search_path when the URL carries options of its own', async () => {
    const store = await openTestStore({ connectionString: testUrl((u) => u.searchParams.set('options', '-c work_mem=8MB')) });
    try {
      expect((await store.putCuration(curationFixture())).version).toBe(1);
      expect((await schemaBackends(store.schema)).length).toBeGreaterThan(0);
      const { rows } = await adminPool().query(`SELECT count(*)::int AS n FROM ${store.schema}.curations`);
      expect(rows[0].n).toBe(1);
    } finally {
      await disposeTestStore(store);
    }
  });
});

describe('PostgresStateStore: lifecycle and lost connections', () => {
  it('rejects calls after close with StateError, and closing twice is harmless', async () => {
    const store = await openTestStore();
    await store.close();
    await store.close();
    await expect(store.getCuration('x')).rejects.toBeInstanceOf(StateError);
    await expect(store.finishRun(historyRecordFixture())).rejects.toBeInstanceOf(StateError);
    await expect(store.scheduling.claimNextRun({ owner: 'w', now: new Date(), leaseUntil: new Date() })).rejects.toBeInstanceOf(StateError);
    await expect(store.subscribe(() => undefined)).rejects.toBeInstanceOf(StateError);
    // The server ends a backend a moment after its client hung up: wait for that, within a bound.
    await waitFor(async () => (await schemaBackends(store.schema)).length === 0, "the closed store's backends to end", 30_000);
  });

  it('works again after every connection of its schema was terminated', async () => {
    const store = await openTestStore();
    try {
      await Promise.all([store.putCuration(curationFixture()), store.listCurations(), store.listActiveRuns()]);
      const pids = await schemaBackends(store.schema);
      expect(pids.length).toBeGreaterThan(0);
      await terminateBackends(pids);
      expect((await store.listCurations()).map((c) => c.definition.curationType)).toEqual(['wildrydes-rydebooking']);
      await store.createRun(runFixture());
      expect((await store.getRun(runFixture().executionName))?.status).toBe('running');
    } finally {
      await disposeTestStore(store);
    }
  });

  it('runs a statement again when its backend is terminated while it waits, and says TransientError when that keeps happening', async () => {
    const store = await openTestStore();
    const admin = await adminPool().connect();
    try {
      await store.putCuration(curationFixture());
      await admin.query('BEGIN');
      await admin.query(`SELECT 1 FROM ${store.schema}.curations FOR UPDATE`);
      const waiting = () =>
        adminPool()
          .query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [`adp-test:${store.schema}`])
          .then((r) => r.rows.map((x: { pid: number }) => x.pid));

      // Terminated once: the put runs again on a new connection and succeeds once the lock goes.
      const once = store.putCuration(curationFixture({ enabled: false }));
      let pids: number[] = [];
      await waitFor(async () => (pids = await waiting()).length === 1, 'the put to wait for the row lock');
      await terminateBackends(pids);
      await waitFor(async () => (await waiting()).length === 1, 'the retried put to wait again');
      await admin.query('COMMIT');
      expect((await once).version).toBe(2);

      // Terminated on every attempt: the caller gets a retryable TransientError.
      await admin.query('BEGIN');
      await admin.query(`SELECT 1 FROM ${store.schema}.curations FOR UPDATE`);
      const outcome = store.putCuration(curationFixture()).catch((e: unknown) => e);
      let settled = false;
      void outcome.then(() => (settled = true));
      await waitFor(async () => {
        const p = await waiting();
        if (p.length > 0) await terminateBackends(p);
        return settled;
      }, 'the put to give up');
      const err = await outcome;
      expect(err).toBeInstanceOf(TransientError);
      expect((err as TransientError).retryable).toBe(true);
      await admin.query('ROLLBACK');
    } finally {
      admin.release();
      await disposeTestStore(store);
    }
  });

  it('turns a statement that runs past statement_timeout into TransientError', async () => {
    const store = await openTestStore({ statementTimeoutMs: 200 });
    const admin = await adminPool().connect();
    try {
      await store.putCuration(curationFixture());
      await admin.query('BEGIN');
      await admin.query(`SELECT 1 FROM ${store.schema}.curations FOR UPDATE`);
      const err = await store.putCuration(curationFixture()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransientError);
      expect((err as Error).message).toMatch(/statement_timeout/);
    } finally {
      await admin.query('ROLLBACK');
      admin.release();
      await disposeTestStore(store);
    }
  });
});

describe('PostgresStateStore: values', () => {
  it('stamps curations with the injected clock', async () => {
    let now = Date.UTC(2027, 0, 1);
    const store = await openTestStore({ now: () => new Date(now) });
    try {
      const first = await store.putCuration(curationFixture());
      now += 60_000;
      const second = await store.putCuration(curationFixture());
      expect([first.createdAt, second.createdAt, second.updatedAt]).toEqual([
        '2027-01-01T00:00:00.000Z',
        '2027-01-01T00:00:00.000Z',
        '2027-01-01T00:01:00.000Z',
      ]);
    } finally {
      await disposeTestStore(store);
    }
  });

  it('keeps numbers exact through jsonb, and stores a NUL (which jsonb cannot hold) as U+FFFD rather than failing', async () => {
    const store = await openTestStore();
    try {
      const context = { rowCount: 2 ** 53 - 1, bytesWritten: 0.1 + 0.2, retries: 1e-7, sql: 'SELECT \'ünïcødé ✓\' -- \\u0000 stays text' };
      await store.createRun(runFixture({ context }));
      expect((await store.getRun(runFixture().executionName))?.context).toStrictEqual(context);
      const record = historyRecordFixture({ status: 'failed', error: 'X', errorCause: { errorType: 'E', errorMessage: 'bad byte \u0000 here' } });
      const stored = await store.finishRun(record);
      expect(stored.errorCause?.errorMessage).toBe('bad byte \ufffd here');
      expect(await store.getHistoryRecord(record.curationExecutionName)).toStrictEqual(stored);
    } finally {
      await disposeTestStore(store);
    }
  });

  it('refuses an instant that is not ISO-8601 with ValidationError naming the field', async () => {
    const store = await openTestStore();
    try {
      await expect(store.createRun(runFixture({ createdAt: 'yesterday' }))).rejects.toThrow(/createdAt: must be an ISO-8601 instant/);
    } finally {
      await disposeTestStore(store);
    }
  });
});
