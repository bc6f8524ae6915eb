import type { CurationDefinition } from '../domain/curation.js';
import type { AlertEvent } from '../domain/notify/events.js';
import { runPageUrl } from '../domain/notify/events.js';
import { DEFAULT_START_DEADLINE_SECONDS } from '../domain/notify/curation-alerts.js';
import type { AlertPlan } from '../domain/notify/incidents.js';
import { lastTickAtOrBefore } from '../domain/notify/last-tick.js';
import { planPeriodicAlerts, type Observation } from '../domain/notify/plan-periodic-alerts.js';
import type { AlertPolicy } from '../domain/notify/plan-run-alerts.js';
import { routesFor, type Route } from '../domain/notify/routes.js';
import type { RunState } from '../domain/run.js';
import { parseScheduleExpression } from '../domain/schedule/parse.js';
import type { Clock } from '../ports/clock.js';
import type { OutboxStore } from '../ports/outbox-store.js';
import type { StateStore, StoredCuration } from '../ports/state-store.js';

/** What the periodic evaluator reads and writes. */
export interface AlertEvaluatorDeps {
  readonly state: Pick<StateStore, 'listCurations' | 'listActiveRuns' | 'listHistory'>;
  readonly outbox: Pick<OutboxStore, 'applyAlerts'>;
  readonly clock: Clock;
  readonly policy: AlertPolicy;
}

/**
 * Looks for what no finishing run reports, and alerts about it once per
 * incident: runs past `expectedDurationSeconds` (longRunning), a due tick
 * not started `startDeadlineSeconds` after its time (missedSchedule), no
 * success for `freshnessSeconds` (stale). Only conditions some route listens
 * to are checked. Incidents that no longer hold are closed.
 */
export async function evaluateAlerts(deps: AlertEvaluatorDeps): Promise<AlertPlan> {
  const now = deps.clock.now();
  const [curations, active] = await Promise.all([deps.state.listCurations(), deps.state.listActiveRuns()]);
  const observations: Observation[] = [];
  const byType = new Map(curations.map((c) => [c.definition.curationType, c]));
  for (const run of active) {
    const def = run.context.definition ?? byType.get(run.curationType)?.definition;
    const routes = listening(deps.policy, run.curationType, def, 'longRunning');
    const obs = def && routes.length > 0 ? longRunning(run, def, routes, now, deps.policy.publicUrl) : undefined;
    if (obs) observations.push(obs);
  }
  for (const stored of curations) {
    const def = stored.definition;
    if (def.enabled === false) continue;
    const staleRoutes = listening(deps.policy, def.curationType, def, 'stale');
    if (staleRoutes.length > 0 && def.freshnessSeconds !== undefined) {
      const obs = await stale(deps, stored, staleRoutes, now);
      if (obs) observations.push(obs);
    }
    const missedRoutes = listening(deps.policy, def.curationType, def, 'missedSchedule');
    if (missedRoutes.length > 0) {
      const obs = await missedSchedule(deps, stored, active, missedRoutes, now);
      if (obs) observations.push(obs);
    }
  }
  return deps.outbox.applyAlerts((incidents) => planPeriodicAlerts(now, observations, incidents));
}

function listening(policy: AlertPolicy, curationType: string, def: CurationDefinition | undefined, event: AlertEvent): Route[] {
  return routesFor(curationType, policy.routes, def?.notifications).filter((r) => r.events.has(event));
}

function longRunning(run: RunState, def: CurationDefinition, routes: Route[], now: Date, publicUrl?: string): Observation | undefined {
  const expected = def.expectedDurationSeconds;
  if (expected === undefined || run.status !== 'running' || !run.startedAt) return undefined;
  const elapsed = now.getTime() - Date.parse(run.startedAt);
  if (elapsed <= expected * 1000) return undefined;
  return {
    curationType: run.curationType,
    kind: 'longRunning',
    subject: run.executionName,
    routes,
    facts: {
      executionName: run.executionName,
      trigger: run.trigger,
      scheduledTime: run.scheduledTime,
      startedAt: run.startedAt,
      durationMs: elapsed,
      expectedDurationSeconds: expected,
      runUrl: runPageUrl(publicUrl, run.executionName),
    },
  };
}

async function stale(deps: AlertEvaluatorDeps, stored: StoredCuration, routes: Route[], now: Date): Promise<Observation | undefined> {
  const def = stored.definition;
  const last = (await deps.state.listHistory({ curationType: def.curationType, statuses: ['succeeded'], limit: 1 })).records[0];
  const sinceMs = last?.timestamp ?? Date.parse(stored.createdAt);
  if (now.getTime() - sinceMs <= (def.freshnessSeconds ?? Infinity) * 1000) return undefined;
  return {
    curationType: def.curationType,
    kind: 'stale',
    subject: '',
    routes,
    facts: {
      lastSuccessAt: last ? new Date(last.timestamp).toISOString() : undefined,
      executionName: last?.curationExecutionName,
      freshnessSeconds: def.freshnessSeconds,
    },
  };
}

async function missedSchedule(
  deps: AlertEvaluatorDeps,
  stored: StoredCuration,
  active: readonly RunState[],
  routes: Route[],
  now: Date,
): Promise<Observation | undefined> {
  const def = stored.definition;
  const deadlineMs = (def.startDeadlineSeconds ?? DEFAULT_START_DEADLINE_SECONDS) * 1000;
  const startMs = def.startDate ? Date.parse(def.startDate) : undefined;
  // Ticks before the definition's last change belong to another schedule (or to no curation at all).
  const notBefore = new Date(Math.max(Date.parse(stored.updatedAt), startMs ?? 0));
  const tick = lastTickAtOrBefore(parseScheduleExpression(def.cronExpression), new Date(now.getTime() - deadlineMs), {
    timezone: def.timezone,
    anchor: new Date(startMs ?? Date.parse(stored.createdAt)),
    notBefore,
  });
  if (!tick) return undefined;
  const tickMs = tick.getTime();
  const startedAt = (scheduled: string | undefined) => scheduled !== undefined && Date.parse(scheduled) >= tickMs;
  if (active.some((r) => r.curationType === def.curationType && startedAt(r.scheduledTime))) return undefined;
  // A run of this tick or a later one ended after the tick.
  const ended = await deps.state.listHistory({ curationType: def.curationType, from: tickMs, limit: 100 });
  if (ended.records.some((r) => startedAt(r.scheduledTime))) return undefined;
  return {
    curationType: def.curationType,
    kind: 'missedSchedule',
    subject: '',
    routes,
    facts: { missedTick: tick.toISOString(), scheduledTime: tick.toISOString() },
  };
}
