import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { SqliteStateStore } from '../adapters/sqlite/sqlite-state-store.js';
import type { CurationDefinition } from '../domain/curation.js';
import { DependencyCycleError } from '../domain/dependency-cycle-error.js';
import type { TerminalStatus } from '../domain/history.js';
import { checkDependencies } from '../engine/check-dependencies.js';
import { createRun } from '../engine/create-run.js';
import type { RunState } from '../domain/run.js';
import { queueDownstream } from './downstream.js';
import { curationFixture, historyRecordFixture } from '../ports/state-store.contract.js';
import type { SchedulerEvent } from './scheduler-events.js';
import { Scheduler } from './scheduler.js';

const T0 = Date.parse('2027-01-04T10:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('dependsOn: scheduled runs wait for their upstreams (fake clock, SQLite)', () => {
  let clock: FakeClock;
  let store: SqliteStateStore;
  let events: SchedulerEvent[];

  beforeEach(() => {
    clock = new FakeClock(iso(T0 - 30_000));
    store = SqliteStateStore.open(':memory:', { now: () => clock.now() });
    events = [];
  });
  afterEach(() => store.close());

  const scheduler = (workerId = 'w1') =>
    new Scheduler({
      state: store,
      schedule: store.scheduling,
      queue: store.scheduling,
      clock,
      workerId,
      engineName: 'test',
      misfireGraceMs: 5_000,
      pollMs: 500,
      onEvent: (e) => events.push(e),
    });
  const put = (type: string, patch: Partial<CurationDefinition> = {}) =>
    store.putCuration(curationFixture({ curationType: type, cronExpression: 'rate(1 hour)', startDate: iso(T0 - HOUR), ...patch }));
  async function pollAt(s: Scheduler, ms: number): Promise<void> {
    clock.set(iso(ms));
    await s.poll();
  }
  /** Ends the queued run of `type` for the tick at T0 with `status`. */
  async function finish(type: string, status: TerminalStatus): Promise<void> {
    const run = (await store.listActiveRuns()).find((r) => r.curationType === type && r.scheduledTime === iso(T0));
    if (!run) throw new Error(`no active run of ${type}`);
    await store.finishRun(
      historyRecordFixture({ curationType: type, curationExecutionName: run.executionName, scheduledTime: iso(T0), status, timestamp: clock.now().getTime() }),
    );
  }
  const activeOf = async (type: string) => (await store.listActiveRuns()).filter((r) => r.curationType === type);
  const recordsOf = async (type: string) => (await store.listHistory({ curationType: type, limit: 10 })).records;

  it('fan-in: the downstream tick is claimed once every upstream succeeded for the same scheduled time', async () => {
    await put('orders');
    await put('customers');
    await put('report', { dependsOn: ['orders', 'customers'] });
    const s = scheduler();
    await pollAt(s, T0);
    expect((await activeOf('orders')).length).toBe(1);
    expect((await activeOf('customers')).length).toBe(1);
    expect(await activeOf('report')).toEqual([]);
    const waiting = events.filter((e) => e.kind === 'waiting');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ curationType: 'report', scheduledTime: new Date(T0) });

    await finish('orders', 'succeeded');
    await pollAt(s, T0 + 1_000);
    expect(await activeOf('report')).toEqual([]);
    await finish('customers', 'succeeded');
    await pollAt(s, T0 + 2_000);
    const [run] = await activeOf('report');
    expect(run).toMatchObject({ trigger: 'schedule', scheduledTime: iso(T0), status: 'queued' });
    expect(events.filter((e) => e.kind === 'waiting')).toHaveLength(1);
    // The next tick of report waits again, for the next ticks of its upstreams.
    await pollAt(s, T0 + HOUR);
    expect((await activeOf('report')).map((r) => r.scheduledTime)).toEqual([iso(T0)]);
  });

  it('a failed upstream skips the downstream tick at once, naming it; the record says why', async () => {
    await put('orders');
    await put('customers');
    await put('report', { dependsOn: ['orders', 'customers'] });
    const s = scheduler();
    await pollAt(s, T0);
    await finish('customers', 'succeeded');
    await finish('orders', 'failed');
    await pollAt(s, T0 + 1_000);
    expect(await activeOf('report')).toEqual([]);
    const [record] = await recordsOf('report');
    expect(record).toMatchObject({ status: 'skipped', scheduledTime: iso(T0), trigger: 'schedule', error: 'UPSTREAM_NOT_SUCCEEDED' });
    expect(record!.errorCause!.errorMessage).toMatch(/^upstream orders failed for 2027-01-04T10:00:00.000Z \(/);
    expect(events.find((e) => e.kind === 'skipped')).toMatchObject({ curationType: 'report' });
  });

  it('an upstream that does not end within dependsOnWaitSeconds: skipped at the limit, not before, with the reason', async () => {
    await put('orders');
    await put('report', { dependsOn: ['orders'], dependsOnWaitSeconds: 600 });
    const s = scheduler();
    await pollAt(s, T0);
    await pollAt(s, T0 + 599_000);
    expect(await recordsOf('report')).toEqual([]);
    await pollAt(s, T0 + 600_000);
    const [record] = await recordsOf('report');
    expect(record).toMatchObject({ status: 'skipped', scheduledTime: iso(T0) });
    expect(record!.errorCause!.errorMessage).toMatch(/did not succeed for 2027-01-04T10:00:00.000Z within 600 s \(dependsOnWaitSeconds\): orders \(queued /);
    // The wait ended: a late success of orders no longer starts it.
    await finish('orders', 'succeeded');
    await pollAt(s, T0 + 601_000);
    expect(await activeOf('report')).toEqual([]);
  });

  it('an unregistered upstream skips at once, naming it', async () => {
    await put('report', { dependsOn: ['nowhere'] });
    await pollAt(scheduler(), T0);
    const [record] = await recordsOf('report');
    expect(record?.errorCause?.errorMessage).toBe('upstream nowhere is not a registered curation');
  });

  it('restart safety: a held tick is not stored, so a scheduler started later decides it from the records (and long after its grace)', async () => {
    await put('orders');
    await put('report', { dependsOn: ['orders'] });
    const first = scheduler('w1');
    await pollAt(first, T0);
    expect(await activeOf('report')).toEqual([]);
    // w1 is gone; orders succeeds; a new process starts 20 minutes later, well past misfireGraceMs.
    await finish('orders', 'succeeded');
    const second = scheduler('w2');
    const third = scheduler('w3');
    await pollAt(second, T0 + 20 * 60_000);
    await pollAt(third, T0 + 20 * 60_000);
    const runs = await activeOf('report');
    expect(runs.map((r) => r.scheduledTime)).toEqual([iso(T0)]);
    // Two processes decide alike; the tick claim lets one of them queue it.
    expect(second.stats().fired + third.stats().fired).toBe(1);
  });
});

describe('dependsOn at put', () => {
  let store: SqliteStateStore;
  beforeEach(() => {
    store = SqliteStateStore.open(':memory:');
  });
  afterEach(() => store.close());
  const def = (type: string, dependsOn?: string[]) => curationFixture({ curationType: type, ...(dependsOn ? { dependsOn } : {}) });

  it('refuses a cycle, naming it, and a curation that names itself', async () => {
    await store.putCuration(def('a', ['c']));
    await store.putCuration(def('b', ['a']));
    const error = await checkDependencies(store, def('c', ['b'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect(error).toMatchObject({ code: 'DEPENDENCY_CYCLE', field: 'dependsOn', cycle: ['c', 'b', 'a', 'c'] });
    expect((error as Error).message).toContain('c → b → a → c');
    await expect(checkDependencies(store, def('s', ['s']))).rejects.toMatchObject({ cycle: ['s', 's'] });
  });

  it('warns about an upstream not registered yet (definitions may come in any order)', async () => {
    await store.putCuration(def('a'));
    expect(await checkDependencies(store, def('d', ['a', 'later']))).toEqual([
      { path: 'dependsOn.1', message: expect.stringContaining("upstream 'later' is not a registered curation yet") },
    ]);
    expect(await checkDependencies(store, def('e'))).toEqual([]);
  });
});

describe('adp run --downstream: a succeeded run queues its downstreams (trigger dependency)', () => {
  let clock: FakeClock;
  let store: SqliteStateStore;
  beforeEach(() => {
    clock = new FakeClock(iso(T0));
    store = SqliteStateStore.open(':memory:', { now: () => clock.now() });
  });
  afterEach(() => store.close());
  const put = (type: string, dependsOn?: string[]) =>
    store.putCuration(curationFixture({ curationType: type, overlap: 'queue', ...(dependsOn ? { dependsOn } : {}) }));
  const deps = () => ({ state: store, schedule: store.scheduling, queue: store.scheduling, clock });
  async function succeed(run: RunState) {
    const record = historyRecordFixture({ curationType: run.curationType, curationExecutionName: run.executionName, scheduledTime: run.scheduledTime, trigger: run.trigger, status: 'succeeded', timestamp: clock.now().getTime() });
    return store.finishRun(record);
  }
  const runOf = async (type: string) => (await store.listActiveRuns()).find((r) => r.curationType === type);

  it('a diamond runs its bottom once, after both sides; upstreams outside the chain are not waited for; a failure stops the chain', async () => {
    await put('raw');
    await put('outside');
    await put('left', ['raw']);
    await put('right', ['raw']);
    await put('bottom', ['left', 'right', 'outside']);
    const root = await createRun(deps(), { curationType: 'raw', trigger: 'manual', downstream: true });
    expect(root).toMatchObject({ scheduledTime: iso(T0), context: { downstream: { root: 'raw' } } });
    clock.set(iso(T0 + 1_000));
    const rootRecord = await succeed(root);
    expect(await queueDownstream(deps(), root, rootRecord)).toEqual([
      { curationType: 'left', queued: expect.any(String) },
      { curationType: 'right', queued: expect.any(String) },
    ]);
    const left = (await runOf('left'))!;
    expect(left).toMatchObject({ trigger: 'dependency', scheduledTime: iso(T0), context: { downstream: { root: 'raw' } } });
    expect(await queueDownstream(deps(), left, await succeed(left))).toEqual([{ curationType: 'bottom', notQueued: 'waits for right (its success queues it)' }]);
    const right = (await runOf('right'))!;
    const rightRecord = await succeed(right);
    expect(await queueDownstream(deps(), right, rightRecord)).toEqual([{ curationType: 'bottom', queued: expect.any(String) }]);
    expect(await runOf('bottom')).toMatchObject({ trigger: 'dependency', scheduledTime: iso(T0) });
    // Told twice (a worker repeating itself): no second run.
    expect(await queueDownstream(deps(), right, rightRecord)).toEqual([{ curationType: 'bottom', notQueued: `already has a run for ${iso(T0)}` }]);

    // Without --downstream, or when the run did not succeed, nothing follows.
    const plain = await createRun(deps(), { curationType: 'raw', trigger: 'manual' });
    expect(await queueDownstream(deps(), plain, await succeed(plain))).toEqual([]);
    const failing = await createRun(deps(), { curationType: 'raw', trigger: 'manual', downstream: true });
    const failed = await store.finishRun(historyRecordFixture({ curationType: 'raw', curationExecutionName: failing.executionName, scheduledTime: failing.scheduledTime, status: 'failed' }));
    expect(await queueDownstream(deps(), failing, failed)).toEqual([]);
  });
});
