import { describe, expect, it } from 'vitest';
import { historyRecordFixture, runFixture } from '../../ports/state-store.contract.js';
import { adminPool, disposeTestStore, openTestStore, usePostgresTestSchemas } from '../../../test/helpers/postgres.js';
import { Batcher } from './batcher.js';
import type { PostgresStateStore } from './postgres-state-store.js';

usePostgresTestSchemas();

const queued = (name: string) => runFixture({ executionName: name, status: 'queued', step: 'retrieve', trigger: 'backfill', createdAt: new Date().toISOString() });

/** Claims the run for `owner` with a lease of `ms`. */
async function claim(store: PostgresStateStore, owner: string, ms: number) {
  const now = new Date();
  return store.scheduling.claimNextRun({ owner, now, leaseUntil: new Date(now.getTime() + ms) });
}

/** Changes the run's step behind the store's back, as no worker of the protocol would while a lease is live. */
async function stepBehindItsBack(store: PostgresStateStore, name: string): Promise<void> {
  await adminPool().query(`UPDATE ${store.schema}.runs SET step = 'record' WHERE execution_name = $1`, [name]);
}

describe('PostgresStateStore: reads answered from the lease holder\'s own writes', () => {
  it('serves a run it holds a live lease on as it last saved it, exactly as the database returns it', async () => {
    const store = await openTestStore();
    const other = await openTestStore({ schema: store.schema });
    try {
      await store.createRun(queued('r1'));
      const claimed = await claim(store, 'w1', 60_000);
      expect(claimed?.run.executionName).toBe('r1');
      const saved = { ...claimed!.run, status: 'running' as const, step: 'validate' as const, startedAt: '2027-01-04T10:00:00.2+00:00', context: { sql: 'select 1', rowCount: undefined } };
      await store.saveRun(saved);
      // The same object a fresh read gives: instants normalised, undefined fields left out.
      expect(await store.getRun('r1')).toStrictEqual(await other.getRun('r1'));
      await stepBehindItsBack(store, 'r1');
      expect((await store.getRun('r1'))?.step).toBe('validate');
      expect((await other.getRun('r1'))?.step).toBe('record');
    } finally {
      await other.close();
      await disposeTestStore(store);
    }
  });

  it('reads the database once the lease is released, nearly lapsed, or its renewal lost', async () => {
    const store = await openTestStore();
    try {
      for (const name of ['released', 'short', 'lost']) await store.createRun(queued(name));
      const released = await claim(store, 'w1', 60_000);
      await store.scheduling.releaseLease(released!.run.executionName, 'w1');
      await stepBehindItsBack(store, released!.run.executionName);
      expect((await store.getRun(released!.run.executionName))?.step).toBe('record');

      const short = await claim(store, 'w1', 1_000); // less than TRUSTED_LEASE_MS left
      await stepBehindItsBack(store, short!.run.executionName);
      expect((await store.getRun(short!.run.executionName))?.step).toBe('record');

      const lost = await claim(store, 'w1', 60_000);
      await adminPool().query(`UPDATE ${store.schema}.run_leases SET owner = 'w2' WHERE execution_name = $1`, [lost!.run.executionName]);
      expect(await store.scheduling.renewLeases('w1', [lost!.run.executionName], new Date(Date.now() + 60_000))).toEqual([]);
      await stepBehindItsBack(store, lost!.run.executionName);
      expect((await store.getRun(lost!.run.executionName))?.step).toBe('record');
    } finally {
      await disposeTestStore(store);
    }
  });

  it('renews, releases and polls cancels of concurrent callers correctly when they share a statement', async () => {
    const store = await openTestStore();
    try {
      const names = ['a', 'b', 'c', 'd'];
      for (const name of names) await store.createRun(queued(name));
      for (const owner of ['w1', 'w1', 'w2', 'w2']) await claim(store, owner, 60_000);
      const leases = await adminPool().query(`SELECT execution_name, owner FROM ${store.schema}.run_leases ORDER BY execution_name`);
      const ownerOf = new Map(leases.rows.map((r: { execution_name: string; owner: string }) => [r.execution_name, r.owner]));
      await store.scheduling.requestCancel('b', 'stop b', new Date());
      const until = new Date(Date.now() + 120_000);
      const [renewedW1, renewedW2, notMine, cancels] = await Promise.all([
        store.scheduling.renewLeases('w1', names.filter((n) => ownerOf.get(n) === 'w1'), until),
        store.scheduling.renewLeases('w2', names.filter((n) => ownerOf.get(n) === 'w2'), until),
        store.scheduling.renewLeases('w3', names, until),
        Promise.all(names.map((n) => store.scheduling.cancelRequests([n]))),
      ]);
      expect(renewedW1.sort()).toEqual(names.filter((n) => ownerOf.get(n) === 'w1').sort());
      expect(renewedW2.sort()).toEqual(names.filter((n) => ownerOf.get(n) === 'w2').sort());
      expect(notMine).toEqual([]);
      expect(cancels.map((m) => [...m])).toEqual([[], [['b', 'stop b']], [], []]);
      await Promise.all(names.map((n) => store.scheduling.releaseLease(n, ownerOf.get(n)!)));
      const live = await adminPool().query(`SELECT count(*)::int AS n FROM ${store.schema}.run_leases WHERE lease_until > now()`);
      expect(live.rows[0].n).toBe(0);
    } finally {
      await disposeTestStore(store);
    }
  });

  it('answers a finished run\'s record, and the run\'s terminal status, after a one-statement finish', async () => {
    const store = await openTestStore();
    const other = await openTestStore({ schema: store.schema });
    try {
      const record = historyRecordFixture();
      await store.createRun(runFixture({ executionName: record.curationExecutionName }));
      const stored = await store.finishRun(record);
      expect(await store.getHistoryRecord(record.curationExecutionName)).toStrictEqual(await other.getHistoryRecord(record.curationExecutionName));
      expect(await store.getHistoryRecord(record.curationExecutionName)).toStrictEqual(stored);
      expect((await other.getRun(record.curationExecutionName))?.status).toBe(record.status);
      // A second finish (another status) keeps the first record, as the transaction path always did.
      expect(await other.finishRun({ ...record, status: 'failed' })).toStrictEqual(stored);
    } finally {
      await other.close();
      await disposeTestStore(store);
    }
  });
});

describe('Batcher', () => {
  it('sends a lone call at once and joins calls made meanwhile into the next query', async () => {
    const sent: string[][] = [];
    let release!: () => void;
    const batcher = new Batcher(async (keys: string[]) => {
      sent.push(keys);
      if (sent.length === 1) await new Promise<void>((r) => (release = r));
      return keys.length;
    });
    const first = batcher.load(['a']);
    await Promise.resolve();
    const later = [batcher.load(['b']), batcher.load(['c', 'd'])];
    release();
    expect(await first).toBe(1);
    expect(await Promise.all(later)).toEqual([3, 3]);
    expect(sent).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('rejects every caller of a failed query and carries on with the next', async () => {
    let fail = true;
    const batcher = new Batcher(async (keys: string[]) => {
      if (fail) throw new Error('lost');
      return keys;
    });
    await expect(batcher.load(['a'])).rejects.toThrow('lost');
    fail = false;
    expect(await batcher.load(['b'])).toEqual(['b']);
  });
});
