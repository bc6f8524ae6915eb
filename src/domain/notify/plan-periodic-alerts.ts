import { withoutUndefined, type Notification } from './events.js';
import { sameIncident, shouldAlert, type AlertMark, type AlertPlan, type Incident, type IncidentKey } from './incidents.js';
import { destinationRef, type OutboxDraft } from './outbox.js';
import type { Route } from './routes.js';
import { stableId } from './stable-id.js';

/** Kinds the periodic evaluator watches; each has an event of the same name. */
export type PeriodicKind = 'longRunning' | 'missedSchedule' | 'stale';
export const PERIODIC_KINDS: ReadonlySet<string> = new Set<PeriodicKind>(['longRunning', 'missedSchedule', 'stale']);

/** A condition the evaluator sees now, with the routes of its curation. */
export interface Observation {
  readonly curationType: string;
  readonly kind: PeriodicKind;
  /** The run for longRunning; '' for the others. */
  readonly subject: string;
  /** Facts for the message (run, tick, last success, thresholds). */
  readonly facts: Omit<Partial<Notification>, 'id' | 'event' | 'curationType' | 'occurredAt' | 'incidentSince'>;
  readonly routes: readonly Route[];
}

/**
 * Incidents from what the evaluator observed at `now`: a new observation
 * opens an incident and alerts each subscribed route once (again every
 * `repeatEvery` seconds); an open periodic incident no longer observed closes
 * quietly. Pure: `now` comes from the caller's clock.
 */
export function planPeriodicAlerts(now: Date, observations: readonly Observation[], incidents: readonly Incident[]): AlertPlan {
  const nowMs = now.getTime();
  const nowIso = now.toISOString();
  const entries: OutboxDraft[] = [];
  const upsert: Incident[] = [];
  for (const obs of observations) {
    const existing = incidents.find((i) => sameIncident(i, obs));
    const openedAt = existing?.openedAt ?? nowIso;
    const alerts: Record<string, AlertMark> = { ...existing?.alerts };
    const eventId = stableId('evt', obs.curationType, obs.kind, obs.subject, openedAt, nowIso);
    const sent = new Set<string>();
    for (const route of obs.routes) {
      if (!route.events.has(obs.kind)) continue;
      const key = `${route.destination.id}/${obs.kind}`;
      if (sent.has(key) || !shouldAlert(alerts[key], route.repeatEverySeconds, nowMs)) continue;
      sent.add(key);
      alerts[key] = { lastAt: nowIso, count: (alerts[key]?.count ?? 0) + 1 };
      const payload: Notification = withoutUndefined({
        ...obs.facts,
        id: eventId,
        event: obs.kind,
        curationType: obs.curationType,
        occurredAt: nowIso,
        incidentSince: openedAt,
      });
      entries.push({
        id: stableId('ob', eventId, route.destination.id),
        destination: destinationRef(route.destination),
        curationType: obs.curationType,
        executionName: obs.facts.executionName,
        event: obs.kind,
        payload,
      });
    }
    upsert.push({
      curationType: obs.curationType,
      kind: obs.kind,
      subject: obs.subject,
      openedAt,
      updatedAt: nowIso,
      occurrences: (existing?.occurrences ?? 0) + 1,
      alerts,
    });
  }
  const close: IncidentKey[] = incidents.filter((i) => PERIODIC_KINDS.has(i.kind) && !observations.some((o) => sameIncident(i, o)));
  return { entries, upsert, close };
}
