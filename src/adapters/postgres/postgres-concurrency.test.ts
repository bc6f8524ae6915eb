import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimedRun, LeaseRequest } from '../../ports/run-queue.js';
import type { TickClaim } from '../../ports/schedule-store.js';
import { draftFixture } from '../../ports/outbox-store.contract.js';
import { queuedRun } from '../../ports/scheduling.contract.js';
import { curationFixture, historyRecordFixture } from '../../ports/state-store.contract.js';
import { disposeTestStore, openTestStore, usePostgresTestSchemas } from '../../../test/helpers/postgres.js';
import type { PostgresStateStore } from './postgres-state-store.js';

usePostgresTestSchemas();

const NOW = new Date('2027-01-04T10:00:00.000Z');
const lease = (owner: string, ms = 60_000, now = NOW): LeaseRequest => ({ owner, now, leaseUntil: new Date(now.getTime() + ms) });

/** Claims with `claim` until it returns nothing, `lanes` calls at a time. */
async function drain<T>(lanes: number, claim: () => Promise<T | undefined>): Promise<T[]> {
  const got: T[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let c = await claim(); c !== undefined; c = await claim()) got.push(c);
    }),
  );
  return got;
}

describe('PostgresStateStore: several stores on one schema', () => {
  let stores: PostgresStateStore[];
  beforeEach(async () => {
    const first = await openTestStore();
    stores = [first, await openTestStore({ schema: first.schema }), await openTestStore({ schema: first.schema })];
  });
  afterEach(async () => {
    await stores[2]!.close();
    await stores[1]!.close();
    await disposeTestStore(stores[0]!);
  });
  const a = () => stores[0]!;
  const b = () => stores[1]!;
  const c = () => stores[2]!;

  it('never lets two stores racing claimNextRun 200 times both hold a run, nor an expired run taken over twice', async () => {
    for (let i = 0; i < 200; i++) {
      await a().createRun(queuedRun(`r${String(i).padStart(3, '0')}`, `c${i % 20}`, { trigger: 'backfill', createdAt: new Date(NOW.getTime() - 1000 + i).toISOString() }));
    }
    const [fromA, fromB] = await Promise.all([
      drain(4, () => a().scheduling.claimNextRun(lease('A', 1000))),
      drain(4, () => b().scheduling.claimNextRun(lease('B', 1000))),
    ]);
    const names = [...fromA, ...fromB].map((x) => x.run.executionName);
    expect(names).toHaveLength(200);
    expect(new Set(names).size).toBe(200);
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);

    // Every lease has expired: the runs are orphans now, and each is taken over exactly once.
    const later = new Date(NOW.getTime() + 2000);
    const takeovers = (await Promise.all([
      drain(4, () => a().scheduling.claimNextRun(lease('A2', 60_000, later))),
      drain(4, () => b().scheduling.claimNextRun(lease('B2', 60_000, later))),
    ])).flat();
    expect(takeovers).toHaveLength(200);
    expect(new Set(takeovers.map((x) => x.run.executionName)).size).toBe(200);
    expect(takeovers.every((x: ClaimedRun) => x.claims === 2 && (x.previousOwner === 'A' || x.previousOwner === 'B'))).toBe(true);
  });

  it('holds the global cap when three stores claim at once', async () => {
    for (let i = 0; i < 30; i++) await a().createRun(queuedRun(`r${i}`, `c${i}`));
    const capped = (owner: string) => ({ ...lease(owner), maxActive: 5 });
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stores[i % 3]!.scheduling.claimNextRun(capped(`w${i}`))),
    );
    expect(claims.filter((x) => x !== undefined)).toHaveLength(5);
    const named = await Promise.all([c().scheduling.claimRun('r29', capped('late')), b().scheduling.claimRun('r28', capped('late'))]);
    expect(named).toEqual([undefined, undefined]);
  });

  it('claims tick batches in opposite curation order without deadlocks, each tick won once', async () => {
    const curations = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const ticks = Array.from({ length: 8 }, (_, i) => new Date(NOW.getTime() + i * 60_000).toISOString());
    const batch = (order: string[], who: string): TickClaim[] =>
      order.flatMap((curationType) =>
        ticks.map((scheduledTime) => ({
          curationType,
          scheduledTime,
          claimedBy: who,
          claimedAt: NOW.toISOString(),
          outcome: { run: queuedRun(`${curationType}-${scheduledTime}-${who}`, curationType, { scheduledTime }) },
        })),
      );
    const results = await Promise.all([
      a().scheduling.claimTicks(batch(curations, 'A')),
      b().scheduling.claimTicks(batch([...curations].reverse(), 'B')),
      c().scheduling.claimTicks(batch([curations[2]!, curations[0]!, curations[4]!, curations[1]!, curations[3]!], 'C')),
      a().scheduling.claimTicks(batch([...curations].reverse(), 'A2')),
    ]);
    expect(results.flat().filter(Boolean)).toHaveLength(curations.length * ticks.length);
    const runs = await a().listActiveRuns();
    expect(new Set(runs.map((r) => `${r.curationType}|${r.scheduledTime}`)).size).toBe(curations.length * ticks.length);
    expect(runs).toHaveLength(curations.length * ticks.length);
    expect(stores.reduce((n, s) => n + s.conflictRetries, 0)).toBe(0);
  });

  it('gives each outbox group to one dispatcher at a time and each entry to one claim', async () => {
    const drafts = Array.from({ length: 40 }, (_, g) => [1, 2, 3].map((n) => draftFixture(g * 10 + n, `cur-${g}`))).flat();
    await a().applyAlerts(() => ({ entries: drafts, upsert: [], close: [] }));
    const claims = await Promise.all(stores.flatMap((s, i) => [0, 1].map((j) => s.claimOutbox({ owner: `d${i}${j}`, limit: 7, leaseMs: 60_000, now: NOW }))));
    const owners = new Map<string, Set<number>>();
    claims.forEach((entries, k) => entries.forEach((e) => owners.set(e.curationType, (owners.get(e.curationType) ?? new Set()).add(k))));
    for (const holders of owners.values()) expect(holders.size).toBe(1);
    const ids = claims.flat().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(0);
    // Within a claim, a group's entries come in seq order.
    for (const entries of claims) {
      for (let i = 1; i < entries.length; i++) expect(entries[i]!.seq).toBeGreaterThan(entries[i - 1]!.seq);
    }
  });

  it('numbers curation changes in commit order, so a reader never skips one', async () => {
    const start = await a().scheduling.curationChanges(0);
    await Promise.all(
      stores.flatMap((s, i) => Array.from({ length: 15 }, (_, j) => s.putCuration(curationFixture({ curationType: `c${i}-${j}` })))),
    );
    const after = await b().scheduling.curationChanges(start.seq);
    expect(after.seq - start.seq).toBe(45);
    expect(after.curationTypes).toHaveLength(45);
  });

  it('keeps one terminal record when two stores finish the same run at once', async () => {
    const results = await Promise.all(
      stores.map((s, i) => s.finishRun(historyRecordFixture({ status: i === 0 ? 'succeeded' : 'failed', timestamp: NOW.getTime() + i }))),
    );
    for (const r of results) expect(r).toStrictEqual(results[0]);
    expect((await c().listHistory({ limit: 10 })).records).toHaveLength(1);
  });
});
