import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryRecord, TerminalStatus } from '../history.js';
import type { SinkDestination } from './destinations.js';
import type { Notification } from './events.js';
import { sameIncident, type AlertPlan, type Incident } from './incidents.js';
import { planRunAlerts, runAlertPlanner, type AlertPolicy } from './plan-run-alerts.js';
import { resolveRoute, type ConfigRouteInput, type CurationRouteInput } from './routes.js';

const T0 = Date.UTC(2027, 0, 4, 10, 0, 0);
const MINUTE = 60_000;
const sink: SinkDestination = { type: 'opensearch', node: 'http://127.0.0.1:9200', index: 'History', id: 'search' };

function record(i: number, status: TerminalStatus, curationType = 'a'): HistoryRecord {
  return {
    curationType,
    timestamp: T0 + i * MINUTE,
    curationExecutionName: `run-${curationType}-${i}`,
    status,
    trigger: 'schedule',
    scheduledTime: new Date(T0 + i * MINUTE - 5000).toISOString(),
    startedAt: new Date(T0 + i * MINUTE - 4000).toISOString(),
    durationMs: 4000,
    attempt: 1,
    engine: 'duckdb',
    ...(status === 'succeeded'
      ? { rowCount: 42, curationOutputLocation: 's3://out/a.csv' }
      : { error: 'QUERY_FAILED', errorCause: { errorType: 'QueryFailedError', errorMessage: 'Binder Error: column x not found' } }),
  };
}

const routes = (...inputs: ConfigRouteInput[]) => inputs.map(resolveRoute);
const ops: ConfigRouteInput = { type: 'webhook', name: 'ops', url: 'http://127.0.0.1:1/ops', events: ['failure', 'recovery', 'failureStreak'] };
const feed: ConfigRouteInput = { type: 'log', name: 'feed', events: ['success'] };

/** Plans a sequence of runs of curation `a`, carrying incidents from one plan to the next like the store does. */
function simulate(policy: AlertPolicy, statuses: readonly TerminalStatus[], own: CurationRouteInput[] = []) {
  let incidents: Incident[] = [];
  const plans: AlertPlan[] = [];
  statuses.forEach((status, i) => {
    const plan = planRunAlerts(policy, own, record(i, status), incidents.filter((x) => x.curationType === 'a'));
    incidents = incidents.filter((x) => !plan.close.some((c) => sameIncident(c, x)) && !plan.upsert.some((u) => sameIncident(u, x)));
    incidents.push(...plan.upsert);
    plans.push(plan);
  });
  const sent = plans.map((p) => p.entries.filter((e) => e.event !== 'history').map((e) => `${e.destination.id}:${e.event}`));
  return { plans, sent, incidents };
}

describe('routing a finished run (fake clock: record timestamps)', () => {
  it('sends every record to every sink, skipped ones included, and lets skips change nothing else', () => {
    const policy = { routes: routes(ops), sinks: [sink] };
    const { plans, sent, incidents } = simulate(policy, ['failed', 'skipped', 'failed']);
    expect(plans.map((p) => p.entries.filter((e) => e.event === 'history').map((e) => e.destination.id))).toEqual([['search'], ['search'], ['search']]);
    expect(plans[1]).toMatchObject({ upsert: [], close: [] });
    expect(sent).toEqual([['ops:failure'], [], []]);
    expect(incidents[0]?.occurrences).toBe(2);
  });

  it('alerts once per incident: the first failure, the streak at afterFailures, the recovery', () => {
    const policy = { routes: routes(ops, feed), sinks: [] };
    const { sent, incidents } = simulate(policy, ['succeeded', 'failed', 'failed', 'failed', 'failed', 'succeeded', 'succeeded', 'failed']);
    expect(sent).toEqual([
      ['feed:success'],
      ['ops:failure'],
      [],
      ['ops:failureStreak'],
      [],
      ['feed:success', 'ops:recovery'],
      ['feed:success'],
      ['ops:failure'],
    ]);
    expect(incidents.map((i) => [i.kind, i.occurrences])).toEqual([['failure', 1]]);
  });

  it('repeats an ongoing incident every repeatEvery seconds, not more often', () => {
    const policy = { routes: routes({ ...ops, events: ['failure'], repeatEvery: 600 }), sinks: [] };
    const { sent } = simulate(policy, Array<TerminalStatus>(25).fill('failed'));
    const alertedAt = sent.flatMap((s, i) => (s.length > 0 ? [i] : []));
    expect(alertedAt).toEqual([0, 10, 20]);
  });

  it('repeatEvery 0 alerts every failure', () => {
    const policy = { routes: routes({ ...ops, events: ['failure'], repeatEvery: 0 }), sinks: [] };
    expect(simulate(policy, ['failed', 'failed', 'timed_out', 'cancelled']).sent).toEqual([['ops:failure'], ['ops:failure'], ['ops:failure'], ['ops:failure']]);
  });

  it('tells a route about a recovery only if it heard about the failure', () => {
    const streakOnly = { ...ops, name: 'pager', events: ['failureStreak', 'recovery'] } as ConfigRouteInput;
    const recoveryOnly = { ...feed, name: 'board', events: ['recovery'] } as ConfigRouteInput;
    const policy = { routes: routes(streakOnly, recoveryOnly), sinks: [] };
    expect(simulate(policy, ['failed', 'succeeded']).sent).toEqual([[], ['board:recovery']]);
    expect(simulate(policy, ['failed', 'failed', 'failed', 'succeeded']).sent).toEqual([[], [], ['pager:failureStreak'], ['pager:recovery', 'board:recovery']]);
  });

  it('applies config routes to the listed curations only, and adds the definition’s own routes', () => {
    const onlyB = { ...ops, name: 'team-b', events: ['failure'], curations: ['b'] } as ConfigRouteInput;
    const own: CurationRouteInput[] = [{ type: 'slack', webhookUrl: 'http://127.0.0.1:1/slack', events: ['failure'] }];
    const policy = { routes: routes(onlyB), sinks: [] };
    const forA = planRunAlerts(policy, own, record(0, 'failed', 'a'), []);
    const forB = planRunAlerts(policy, [], record(0, 'failed', 'b'), []);
    expect(forA.entries.map((e) => e.destination.type)).toEqual(['slack']);
    expect(forB.entries.map((e) => e.destination.id)).toEqual(['team-b']);
    const planner = runAlertPlanner(policy, { notifications: own });
    expect(planner(record(0, 'failed', 'a'), []).entries.map((e) => e.destination.type)).toEqual(['slack']);
  });

  it('sends one entry per destination and event, however many routes lead there', () => {
    const same = { type: 'webhook', url: 'http://127.0.0.1:1/x', events: ['failure'] } as ConfigRouteInput;
    const plan = planRunAlerts({ routes: routes(same, { ...same, events: ['failure', 'success'] }), sinks: [] }, [], record(0, 'failed'), []);
    expect(plan.entries).toHaveLength(1);
  });

  it('gives stable ids: one event id for every destination, one entry id per destination', () => {
    const policy = { routes: routes(ops, { ...ops, name: 'ops2' }), sinks: [sink] };
    const a = planRunAlerts(policy, [], record(0, 'failed'), []);
    const b = planRunAlerts(policy, [], record(0, 'failed'), []);
    expect(a.entries.map((e) => e.id)).toEqual(b.entries.map((e) => e.id));
    expect(new Set(a.entries.map((e) => e.id)).size).toBe(3);
    const [one, two] = a.entries.filter((e) => e.event === 'failure').map((e) => (e.payload as Notification).id);
    expect(one).toBe(two);
  });

  it('puts what a person needs into the notification', () => {
    const policy = { routes: routes(ops), sinks: [], publicUrl: 'https://adp.example.com/' };
    const entry = planRunAlerts(policy, [], record(3, 'failed'), [])!.entries[0]!;
    expect(entry.payload).toEqual({
      id: expect.stringMatching(/^evt-/),
      event: 'failure',
      curationType: 'a',
      occurredAt: new Date(T0 + 3 * MINUTE).toISOString(),
      status: 'failed',
      executionName: 'run-a-3',
      trigger: 'schedule',
      scheduledTime: record(3, 'failed').scheduledTime,
      startedAt: record(3, 'failed').startedAt,
      durationMs: 4000,
      error: 'QUERY_FAILED',
      errorCause: { errorType: 'QueryFailedError', errorMessage: 'Binder Error: column x not found' },
      runUrl: 'https://adp.example.com/runs/run-a-3',
      consecutiveFailures: 1,
      incidentSince: new Date(T0 + 3 * MINUTE).toISOString(),
    });
    expect(entry).toMatchObject({ executionName: 'run-a-3', curationType: 'a', destination: { id: 'ops' } });
  });

  it('property: without repeatEvery, one failure alert and at most one recovery per incident', () => {
    const status = fc.constantFrom<TerminalStatus>('succeeded', 'failed', 'timed_out', 'cancelled', 'skipped');
    fc.assert(
      fc.property(fc.array(status, { maxLength: 60 }), (statuses) => {
        const { sent } = simulate({ routes: routes(ops), sinks: [] }, statuses);
        const relevant = statuses.filter((s) => s !== 'skipped');
        let incidents = 0;
        let recovered = 0;
        relevant.forEach((s, i) => {
          const failing = s !== 'succeeded';
          const before = i > 0 && relevant[i - 1] !== 'succeeded';
          if (failing && !before) incidents++;
          if (!failing && before) recovered++;
        });
        const count = (event: string) => sent.flat().filter((x) => x === `ops:${event}`).length;
        expect(count('failure')).toBe(incidents);
        expect(count('recovery')).toBe(recovered);
        expect(count('failureStreak')).toBeLessThanOrEqual(incidents);
      }),
    );
  });
});

describe('OpenLineage sinks in the run plan', () => {
  const lineage = { type: 'openlineage', url: 'http://127.0.0.1:5000', id: 'marquez' } as const;
  const policy: AlertPolicy = { routes: [], sinks: [sink, lineage] };

  it('get the run’s start, then its end, both with the record (stable ids); history sinks the record once', () => {
    for (const status of ['succeeded', 'failed', 'cancelled', 'timed_out'] as const) {
      const plan = planRunAlerts(policy, [], record(1, status), []);
      expect(plan.entries.map((e) => [e.destination, e.event])).toEqual([
        [{ id: 'search', type: 'opensearch' }, 'history'],
        [{ id: 'marquez', type: 'openlineage' }, 'lineageStart'],
        [{ id: 'marquez', type: 'openlineage' }, 'lineageEnd'],
      ]);
      expect(plan.entries.every((e) => e.payload === plan.entries[0]!.payload && e.executionName === 'run-a-1')).toBe(true);
      expect(planRunAlerts(policy, [], record(1, status), []).entries.map((e) => e.id)).toEqual(plan.entries.map((e) => e.id));
    }
    expect(new Set(planRunAlerts(policy, [], record(1, 'succeeded'), []).entries.map((e) => e.id)).size).toBe(3);
  });

  it('get nothing for a skipped run (it never ran)', () => {
    expect(planRunAlerts(policy, [], record(1, 'skipped'), []).entries.map((e) => e.event)).toEqual(['history']);
  });
});
