import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { SqliteStateStore } from '../adapters/sqlite/sqlite-state-store.js';
import type { CurationDefinition } from '../domain/curation.js';
import type { Notification } from '../domain/notify/events.js';
import { alertPolicy } from '../domain/notify/notifications-config.js';
import { runAlertPlanner, type AlertPolicy } from '../domain/notify/plan-run-alerts.js';
import type { ConfigRouteInput } from '../domain/notify/routes.js';
import { curationFixture, historyRecordFixture, runFixture } from '../ports/state-store.contract.js';
import { evaluateAlerts } from './evaluate-alerts.js';

const everything: ConfigRouteInput = { type: 'log', name: 'ops', events: ['longRunning', 'missedSchedule', 'stale'] };

describe('periodic alert evaluation (fake clock, real SQLite)', () => {
  let clock: FakeClock;
  let store: SqliteStateStore;
  let policy: AlertPolicy;

  beforeEach(() => {
    clock = new FakeClock('2027-01-04T09:30:00Z');
    store = SqliteStateStore.open(':memory:', { now: () => clock.now() });
    policy = alertPolicy({ notifications: [everything], sinks: [] });
  });
  afterEach(async () => {
    await store.close();
  });

  const evaluate = async () => {
    const plan = await evaluateAlerts({ state: store, outbox: store, clock, policy });
    return plan.entries.map((e) => `${e.event}:${(e.payload as Notification).executionName ?? (e.payload as Notification).missedTick ?? ''}`);
  };
  const put = (patch: Partial<CurationDefinition>) => store.putCuration(curationFixture({ cronExpression: 'cron(0 * * * ? *)', ...patch }));

  it('longRunning: once per run that passes expectedDurationSeconds, closed when the run ends', async () => {
    await put({ expectedDurationSeconds: 60 });
    const startedAt = '2027-01-04T09:30:00.000Z';
    await store.createRun(runFixture({ executionName: 'slow-run', startedAt, context: { definition: curationFixture({ expectedDurationSeconds: 60 }) } }));
    clock.set('2027-01-04T09:30:59Z');
    expect(await evaluate()).toEqual([]);
    clock.set('2027-01-04T09:31:01Z');
    expect(await evaluate()).toEqual(['longRunning:slow-run']);
    clock.set('2027-01-04T09:35:00Z');
    expect(await evaluate()).toEqual([]);
    expect((await store.listIncidents()).map((i) => [i.kind, i.subject, i.occurrences])).toEqual([['longRunning', 'slow-run', 2]]);
    await store.finishRun(historyRecordFixture({ curationExecutionName: 'slow-run', timestamp: clock.now().getTime() }));
    expect(await evaluate()).toEqual([]);
    expect(await store.listIncidents()).toEqual([]);
    const [entry] = (await store.listOutbox({ limit: 5 })).entries;
    expect(entry!.payload).toMatchObject({ event: 'longRunning', expectedDurationSeconds: 60, durationMs: 61_000, startedAt });
  });

  it('stale: alerts when no success for freshnessSeconds, and a success ends the incident', async () => {
    policy = alertPolicy({ notifications: [{ ...everything, events: ['stale'] } as ConfigRouteInput], sinks: [] });
    await put({ freshnessSeconds: 3600 });
    await store.finishRun(historyRecordFixture({ curationExecutionName: 'ok-1', timestamp: Date.parse('2027-01-04T09:30:00Z') }));
    clock.set('2027-01-04T10:29:00Z');
    expect(await evaluate()).toEqual([]);
    clock.set('2027-01-04T10:31:00Z');
    expect(await evaluate()).toEqual(['stale:ok-1']);
    clock.set('2027-01-04T12:00:00Z');
    expect(await evaluate()).toEqual([]);
    await store.finishRun(historyRecordFixture({ curationExecutionName: 'ok-2', timestamp: clock.now().getTime() }), runAlertPlanner(policy));
    expect(await store.listIncidents()).toEqual([]);
    expect(await evaluate()).toEqual([]);
  });

  it('missedSchedule: a due tick not started within startDeadlineSeconds, once per incident', async () => {
    await put({ startDeadlineSeconds: 120 });
    clock.set('2027-01-04T10:01:00Z');
    expect(await evaluate()).toEqual([]); // the 10:00 tick is still within its deadline; 09:00 predates the curation
    clock.set('2027-01-04T10:03:00Z');
    expect(await evaluate()).toEqual(['missedSchedule:2027-01-04T10:00:00.000Z']);
    clock.set('2027-01-04T11:03:00Z');
    expect(await evaluate()).toEqual([]); // 11:00 missed too: the same incident
    await store.createRun(runFixture({ executionName: 'late', scheduledTime: '2027-01-04T11:00:00.000Z', status: 'queued' }));
    clock.set('2027-01-04T11:04:00Z');
    expect(await evaluate()).toEqual([]);
    expect(await store.listIncidents()).toEqual([]);
    await store.finishRun(historyRecordFixture({ curationExecutionName: 'late', scheduledTime: '2027-01-04T11:00:00.000Z', timestamp: clock.now().getTime() }));
    clock.set('2027-01-04T11:30:00Z');
    expect(await evaluate()).toEqual([]);
    clock.set('2027-01-04T12:02:30Z');
    expect(await evaluate()).toEqual(['missedSchedule:2027-01-04T12:00:00.000Z']);
  });

  it('checks nothing no route listens to, and skips disabled curations', async () => {
    policy = alertPolicy({ notifications: [{ ...everything, events: ['failure'] } as ConfigRouteInput], sinks: [] });
    await put({ freshnessSeconds: 60, startDeadlineSeconds: 60 });
    clock.set('2027-01-05T00:00:00Z');
    expect(await evaluate()).toEqual([]);
    expect(await store.listIncidents()).toEqual([]);
    policy = alertPolicy({ notifications: [everything], sinks: [] });
    await put({ freshnessSeconds: 60, startDeadlineSeconds: 60, enabled: false });
    expect(await evaluate()).toEqual([]);
  });

  it('follows the definition’s own routes too', async () => {
    policy = alertPolicy({ notifications: [], sinks: [] });
    await put({ freshnessSeconds: 60, notifications: [{ type: 'log', events: ['stale'] }] });
    clock.set('2027-01-04T10:00:00Z');
    expect(await evaluate()).toEqual(['stale:']);
  });
});
