import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { SqliteStateStore } from '../adapters/sqlite/sqlite-state-store.js';
import type { CurationDefinition } from '../domain/curation.js';
import { curationFixture } from '../ports/state-store.contract.js';
import type { SchedulerEvent } from './scheduler-events.js';
import { Scheduler } from './scheduler.js';
import { configSchema } from '../domain/config.js';
import { alertPolicy } from '../domain/notify/notifications-config.js';
import type { AlertPolicy } from '../domain/notify/plan-run-alerts.js';

const T0 = Date.parse('2027-01-04T10:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('Scheduler on a fake clock', () => {
  let clock: FakeClock;
  let store: SqliteStateStore;
  let events: SchedulerEvent[];

  beforeEach(() => {
    clock = new FakeClock(iso(T0 - 30_000));
    store = SqliteStateStore.open(':memory:', { now: () => clock.now() });
    events = [];
  });
  afterEach(() => store.close());

  function scheduler(on: SqliteStateStore = store, workerId = 'w1', alerts?: AlertPolicy): Scheduler {
    return new Scheduler({
      alerts,
      state: on,
      schedule: on.scheduling,
      queue: on.scheduling,
      clock,
      workerId,
      engineName: 'test',
      misfireGraceMs: 5_000,
      pollMs: 500,
      onEvent: (e) => events.push(e),
    });
  }
  const put = (type: string, patch: Partial<CurationDefinition> = {}) =>
    store.putCuration(curationFixture({ curationType: type, cronExpression: 'rate(1 minute)', startDate: iso(T0), ...patch }));
  /** Scheduled times of the runs (queued and finished) and skipped ticks of `type`, ascending. */
  async function ticks(type: string, on: SqliteStateStore = store): Promise<string[]> {
    const active = (await on.listActiveRuns()).filter((r) => r.curationType === type).map((r) => r.scheduledTime!);
    const done = (await on.listHistory({ curationType: type, limit: 1000 })).records.map((r) => r.scheduledTime!);
    return [...active, ...done].sort();
  }
  async function pollAt(s: Scheduler, ms: number): Promise<void> {
    clock.set(iso(ms));
    await s.poll();
  }

  it('fires each tick once, on time, as a queued schedule run carrying its scheduledTime', async () => {
    await put('alpha', { overlap: 'queue' });
    const s = scheduler();
    await pollAt(s, T0 - 1_000);
    expect(await ticks('alpha')).toEqual([]);
    expect(s.nextDue('alpha')?.toISOString()).toBe(iso(T0));
    await pollAt(s, T0);
    await pollAt(s, T0 + 200);
    const [run] = await store.listActiveRuns();
    expect(run).toMatchObject({ curationType: 'alpha', trigger: 'schedule', status: 'queued', scheduledTime: iso(T0) });
    await pollAt(s, T0 + MIN);
    expect(await ticks('alpha')).toEqual([iso(T0), iso(T0 + MIN)].sort());
    expect(events.filter((e) => e.kind === 'fired').map((e) => (e as { lagMs: number }).lagMs)).toEqual([0, 0]);
    expect(s.stats()).toMatchObject({ scheduled: 1, fired: 2, skipped: 0 });
  });

  it('reads cron fields in the curation time zone', async () => {
    await put('kathmandu', { cronExpression: 'cron(0 9 * * ? *)', timezone: 'Asia/Kathmandu', startDate: undefined });
    const s = scheduler();
    await pollAt(s, T0);
    expect(s.nextDue('kathmandu')?.toISOString()).toBe('2027-01-05T03:15:00.000Z');
  });

  it('catches up ticks missed while nothing ran: none, latest, or the last maxCatchUp', async () => {
    await put('none', { catchUp: 'none' });
    await put('latest');
    await put('all', { catchUp: 'all', maxCatchUp: 3 });
    const s = scheduler();
    await pollAt(s, T0 + 10 * MIN + 30_000);
    expect(await ticks('none')).toEqual([]);
    expect(await ticks('latest')).toEqual([iso(T0 + 10 * MIN)]);
    expect(await ticks('all')).toEqual([iso(T0 + 8 * MIN), iso(T0 + 9 * MIN), iso(T0 + 10 * MIN)]);
    const missed = events.filter((e) => e.kind === 'missed');
    expect(missed.map((e) => [e.curationType, (e as { count: number }).count]).sort()).toEqual([
      ['all', 8],
      ['latest', 10],
      ['none', 11],
    ]);
    await pollAt(s, T0 + 11 * MIN);
    expect(await ticks('none')).toEqual([iso(T0 + 11 * MIN)]);
    expect((await ticks('all')).at(-1)).toBe(iso(T0 + 11 * MIN));
  });

  it('runs a tick that is only a little late, even with catchUp none', async () => {
    await put('none', { catchUp: 'none' });
    const s = scheduler();
    await pollAt(s, T0 + 4_000);
    expect(await ticks('none')).toEqual([iso(T0)]);
  });

  it('never runs a tick twice across a restart, and catches up the ticks missed while down', async () => {
    await put('alpha');
    const first = scheduler();
    await pollAt(first, T0);
    await pollAt(first, T0 + MIN);
    const second = scheduler(store, 'w2');
    await pollAt(second, T0 + MIN + 500);
    expect(await ticks('alpha')).toEqual([iso(T0), iso(T0 + MIN)]);
    await pollAt(second, T0 + 4 * MIN + 10_000);
    expect(await ticks('alpha')).toEqual([iso(T0), iso(T0 + MIN), iso(T0 + 4 * MIN)]);
  });

  it('lets two schedulers sharing one database claim every tick exactly once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
    const a = SqliteStateStore.open(path.join(dir, 'state.db'), { now: () => clock.now() });
    const b = SqliteStateStore.open(path.join(dir, 'state.db'), { now: () => clock.now() });
    try {
      await a.putCuration(curationFixture({ curationType: 'alpha', cronExpression: 'rate(1 minute)', startDate: iso(T0) }));
      const sa = scheduler(a, 'a');
      const sb = scheduler(b, 'b');
      for (let i = 0; i < 5; i++) {
        clock.set(iso(T0 + i * MIN + (i % 2) * 300));
        await Promise.all([sa.poll(), sb.poll()]);
      }
      expect(await ticks('alpha', a)).toEqual([0, 1, 2, 3, 4].map((i) => iso(T0 + i * MIN)));
      const handled = (x: Scheduler) => x.stats().fired + x.stats().skipped;
      expect(handled(sa) + handled(sb)).toBe(5);
    } finally {
      await a.close();
      await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs in the background on its clock until stopped', async () => {
    await put('alpha', { overlap: 'queue' });
    const s = scheduler();
    s.start();
    for (let i = 0; i < 3; i++) await clock.advance(MIN);
    await s.stop();
    await clock.advance(MIN);
    expect(await ticks('alpha')).toEqual([iso(T0), iso(T0 + MIN), iso(T0 + 2 * MIN)]);
    expect(events.filter((e) => e.kind === 'fired').every((e) => (e as { lagMs: number }).lagMs <= 50)).toBe(true);
  });

  describe('overlap', () => {
    it('skip (default): records the tick as skipped, with the reason, while the previous run is active', async () => {
      await put('alpha');
      const s = scheduler();
      await pollAt(s, T0);
      await pollAt(s, T0 + MIN);
      const [skipped] = (await store.listHistory({ curationType: 'alpha', limit: 10 })).records;
      const [active] = await store.listActiveRuns();
      expect(skipped).toMatchObject({ status: 'skipped', trigger: 'schedule', scheduledTime: iso(T0 + MIN), error: 'OVERLAP_SKIPPED' });
      expect(skipped?.errorCause?.errorMessage).toBe(`previous run ${active?.executionName} is still queued (overlap: skip)`);
      expect(s.stats().skipped).toBe(1);
    });

    it('sends a skipped tick\'s record to the history sinks, in the claim\'s transaction', async () => {
      await put('alpha');
      const policy = alertPolicy(configSchema.parse({ sinks: [{ type: 'opensearch', node: 'http://127.0.0.1:9', index: 'history' }] }));
      const s = scheduler(store, 'w1', policy);
      await pollAt(s, T0);
      await pollAt(s, T0 + MIN);
      const [skipped] = (await store.listHistory({ curationType: 'alpha', statuses: ['skipped'], limit: 10 })).records;
      expect(await store.countOutbox({ executionName: skipped!.curationExecutionName })).toMatchObject({ pending: 1 });
    });

    it('queue: queues the tick behind the active run', async () => {
      await put('alpha', { overlap: 'queue' });
      const s = scheduler();
      await pollAt(s, T0);
      await pollAt(s, T0 + MIN);
      expect((await store.listActiveRuns()).map((r) => r.scheduledTime)).toEqual([iso(T0), iso(T0 + MIN)]);
      const claimNow = clock.now();
      const next = await store.scheduling.claimNextRun({ owner: 'x', now: claimNow, leaseUntil: new Date(claimNow.getTime() + 1000) });
      expect(next?.run.scheduledTime).toBe(iso(T0));
      expect(await store.scheduling.claimNextRun({ owner: 'x', now: claimNow, leaseUntil: new Date(claimNow.getTime() + 1000) })).toBeUndefined();
    });

    it('cancelRunning: asks the active run to cancel and queues the tick', async () => {
      await put('alpha', { overlap: 'cancelRunning' });
      const s = scheduler();
      await pollAt(s, T0);
      const [first] = await store.listActiveRuns();
      await pollAt(s, T0 + MIN);
      const requests = await store.scheduling.cancelRequests([first!.executionName]);
      expect(requests.get(first!.executionName)).toMatch(/superseded by the tick of 2027-01-04T10:01:00.000Z/);
      expect((await store.listActiveRuns()).map((r) => r.scheduledTime)).toEqual([iso(T0), iso(T0 + MIN)]);
    });

    it('does not count backfill runs as overlapping', async () => {
      await put('alpha');
      await store.createRun({
        executionName: 'bf', curationType: 'alpha', status: 'running', step: 'awaitQuery', trigger: 'backfill',
        scheduledTime: iso(T0 - 86_400_000), attempt: 1, createdAt: iso(T0 - 1000), updatedAt: iso(T0 - 1000), context: {},
      });
      const s = scheduler();
      await pollAt(s, T0);
      expect((await store.listActiveRuns()).map((r) => r.trigger)).toEqual(['backfill', 'schedule']);
    });
  });

  describe('definition changes without restart', () => {
    it('schedules a curation put while running, from its start date', async () => {
      const s = scheduler();
      await pollAt(s, T0 - 10_000);
      await put('late', { startDate: iso(T0 + 2 * MIN) });
      await pollAt(s, T0 - 9_000);
      expect(s.nextDue('late')?.toISOString()).toBe(iso(T0 + 2 * MIN));
      await pollAt(s, T0 + 2 * MIN);
      expect(await ticks('late')).toEqual([iso(T0 + 2 * MIN)]);
    });

    it('pauses on enabled: false, resumes without replaying the pause, and stops on delete', async () => {
      await put('alpha', { overlap: 'queue' });
      const s = scheduler();
      await pollAt(s, T0);
      await put('alpha', { overlap: 'queue', enabled: false });
      await pollAt(s, T0 + 30_000);
      await pollAt(s, T0 + MIN);
      await pollAt(s, T0 + 2 * MIN);
      expect(await ticks('alpha')).toEqual([iso(T0)]);
      expect(s.nextDue('alpha')).toBeUndefined();
      await put('alpha', { overlap: 'queue' });
      await pollAt(s, T0 + 3 * MIN + 30_000);
      expect(await ticks('alpha')).toEqual([iso(T0)]);
      await pollAt(s, T0 + 4 * MIN);
      expect(await ticks('alpha')).toEqual([iso(T0), iso(T0 + 4 * MIN)]);
      await store.deleteCuration('alpha');
      await pollAt(s, T0 + 4 * MIN + 30_000);
      await pollAt(s, T0 + 5 * MIN);
      expect(await ticks('alpha')).toEqual([iso(T0), iso(T0 + 4 * MIN)]);
      expect(s.stats().scheduled).toBe(0);
    });

    it('moves to a changed expression from now on, without replaying it', async () => {
      await put('alpha', { overlap: 'queue' });
      const s = scheduler();
      await pollAt(s, T0);
      await put('alpha', { overlap: 'queue', cronExpression: 'cron(0/10 * * * ? *)', startDate: undefined });
      await pollAt(s, T0 + 30_000);
      expect(s.nextDue('alpha')?.toISOString()).toBe(iso(T0 + 10 * MIN));
      await pollAt(s, T0 + 10 * MIN);
      expect(await ticks('alpha')).toEqual([iso(T0), iso(T0 + 10 * MIN)]);
    });

    it('changes policy fields without moving the schedule', async () => {
      await put('alpha');
      const s = scheduler();
      await pollAt(s, T0);
      await put('alpha', { overlap: 'queue' });
      await pollAt(s, T0 + MIN);
      expect(await ticks('alpha')).toEqual([iso(T0), iso(T0 + MIN)]);
      expect((await store.listHistory({ limit: 10 })).records).toEqual([]);
    });
  });
});
