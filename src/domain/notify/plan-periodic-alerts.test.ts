import { describe, expect, it } from 'vitest';
import type { Notification } from './events.js';
import { sameIncident, type Incident } from './incidents.js';
import { planPeriodicAlerts, type Observation } from './plan-periodic-alerts.js';
import { resolveRoute } from './routes.js';

const T0 = Date.UTC(2027, 0, 4, 10, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);
const pager = resolveRoute({ type: 'webhook', name: 'pager', url: 'http://127.0.0.1:1/p', events: ['longRunning', 'missedSchedule'] });
const nagger = resolveRoute({ type: 'log', name: 'nag', events: ['stale'], repeatEvery: 3600 });

const longRun = (subject = 'run-1'): Observation => ({
  curationType: 'a',
  kind: 'longRunning',
  subject,
  routes: [pager],
  facts: { executionName: subject, expectedDurationSeconds: 60, durationMs: 90_000 },
});
const staleA: Observation = { curationType: 'a', kind: 'stale', subject: '', routes: [nagger], facts: { freshnessSeconds: 3600 } };

/** Evaluations at the given seconds, each seeing what the previous ones wrote. */
function evaluate(rounds: [seconds: number, observations: Observation[]][], start: Incident[] = []) {
  let incidents = start;
  return rounds.map(([s, observations]) => {
    const plan = planPeriodicAlerts(at(s), observations, incidents);
    incidents = [...incidents.filter((i) => !plan.close.some((c) => sameIncident(c, i)) && !plan.upsert.some((u) => sameIncident(u, i))), ...plan.upsert];
    return { plan, incidents, sent: plan.entries.map((e) => `${e.destination.id}:${e.event}:${e.executionName ?? ''}`) };
  });
}

describe('periodic alerts (fake clock)', () => {
  it('alerts once when a condition appears, stays quiet while it lasts, and closes quietly when it ends', () => {
    const rounds = evaluate([
      [0, [longRun()]],
      [30, [longRun()]],
      [60, [longRun(), longRun('run-2')]],
      [90, []],
    ]);
    expect(rounds.map((r) => r.sent)).toEqual([['pager:longRunning:run-1'], [], ['pager:longRunning:run-2'], []]);
    expect(rounds[1]!.incidents.map((i) => [i.subject, i.occurrences, i.openedAt])).toEqual([['run-1', 2, at(0).toISOString()]]);
    expect(rounds[3]!.plan.close.map((c) => c.subject)).toEqual(['run-1', 'run-2']);
    expect(rounds[3]!.incidents).toEqual([]);
  });

  it('repeats every repeatEvery seconds while the incident lasts', () => {
    const seconds = [0, 1800, 3599, 3600, 5400, 7200];
    const rounds = evaluate(seconds.map((s) => [s, [staleA]]));
    expect(rounds.map((r) => r.sent.length)).toEqual([1, 0, 0, 1, 0, 1]);
    const payload = rounds[3]!.plan.entries[0]!.payload as Notification;
    expect(payload).toMatchObject({ event: 'stale', curationType: 'a', incidentSince: at(0).toISOString(), occurredAt: at(3600).toISOString(), freshnessSeconds: 3600 });
  });

  it('leaves failure incidents to the run planner', () => {
    const failure: Incident = { curationType: 'a', kind: 'failure', subject: '', openedAt: at(0).toISOString(), updatedAt: at(0).toISOString(), occurrences: 3, alerts: {} };
    expect(planPeriodicAlerts(at(10), [], [failure]).close).toEqual([]);
  });

  it('gives each evaluation its own event id and each destination its own entry id', () => {
    const both = { ...longRun(), routes: [pager, resolveRoute({ type: 'log', events: ['longRunning'] })] };
    const [first] = evaluate([[0, [both]]]);
    const ids = first!.plan.entries.map((e) => e.id);
    const events = first!.plan.entries.map((e) => (e.payload as Notification).id);
    expect(new Set(ids).size).toBe(2);
    expect(new Set(events).size).toBe(1);
  });
});
