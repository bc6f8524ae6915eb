import type { CurationDefinition } from '../curation.js';
import type { HistoryRecord } from '../history.js';
import { isLineageDestination, type AnySinkDestinationSpec } from './destinations.js';
import { isFailureStatus, notificationFromRecord, type AlertEvent } from './events.js';
import { warningFailures } from '../quality-checks.js';
import { shouldAlert, type AlertMark, type AlertPlan, type Incident, type IncidentKey, type RunAlertPlanner } from './incidents.js';
import { destinationRef, LINEAGE_EVENTS, type OutboxDraft } from './outbox.js';
import { routesFor, type CurationRouteInput, type Route } from './routes.js';
import { stableId } from './stable-id.js';

/** Where events go, from the config: routes (resolved), history sinks and the dashboard's address. */
export interface AlertPolicy {
  readonly routes: readonly Route[];
  readonly sinks: readonly AnySinkDestinationSpec[];
  readonly publicUrl?: string;
}

/**
 * The planner the record step hands to `StateStore.finishRun`: config routes
 * plus the definition's own `notifications`.
 */
export function runAlertPlanner(policy: AlertPolicy, definition?: Pick<CurationDefinition, 'notifications'>): RunAlertPlanner {
  return (record, incidents) => planRunAlerts(policy, definition?.notifications ?? [], record, incidents);
}

/**
 * A finished run's outbox entries and incident changes:
 * - every history sink gets the record; every OpenLineage sink its start
 *   and end (in that order), except for a skipped run (it never ran);
 * - `success` on every success; `recovery` on the first success after
 *   failures (to a route that also listens to failures only if it was alerted);
 * - `failure` once per incident (a run of failures), `failureStreak` once the
 *   streak reaches the route's `afterFailures`; both again every
 *   `repeatEvery` seconds while the incident lasts;
 * - `qualityWarning` on every run with a failed `warn` quality check;
 * - skipped runs change nothing.
 */
export function planRunAlerts(
  policy: AlertPolicy,
  own: readonly CurationRouteInput[],
  record: HistoryRecord,
  incidents: readonly Incident[],
): AlertPlan {
  const entries: OutboxDraft[] = policy.sinks.flatMap((sink): OutboxDraft[] => {
    const base = { destination: destinationRef(sink), curationType: record.curationType, executionName: record.curationExecutionName, payload: record };
    if (!isLineageDestination(sink)) return [{ ...base, id: stableId('ob', record.curationExecutionName, 'history', sink.id), event: 'history' }];
    if (record.status === 'skipped') return [];
    return LINEAGE_EVENTS.map((event) => ({ ...base, id: stableId('ob', record.curationExecutionName, event, sink.id), event }));
  });
  if (record.status === 'skipped') return { entries, upsert: [], close: [] };

  const routes = routesFor(record.curationType, policy.routes, own);
  const nowMs = record.timestamp;
  const nowIso = new Date(nowMs).toISOString();
  const open = (kind: Incident['kind']) => incidents.find((i) => i.kind === kind && i.subject === '');
  const failure = open('failure');
  const sent = new Set<string>();
  const send = (route: Route, event: AlertEvent, extra: { consecutiveFailures?: number; incidentSince?: string }) => {
    const key = `${route.destination.id}/${event}`;
    if (sent.has(key)) return;
    sent.add(key);
    const eventId = stableId('evt', record.curationExecutionName, event);
    entries.push({
      id: stableId('ob', eventId, route.destination.id),
      destination: destinationRef(route.destination),
      curationType: record.curationType,
      executionName: record.curationExecutionName,
      event,
      payload: notificationFromRecord(eventId, event, record, { publicUrl: policy.publicUrl, ...extra }),
    });
  };

  if (warningFailures(record.qualityChecks).length > 0) {
    for (const route of routes) if (route.events.has('qualityWarning')) send(route, 'qualityWarning', {});
  }
  if (!isFailureStatus(record.status)) {
    for (const route of routes) if (route.events.has('success')) send(route, 'success', {});
    const close: IncidentKey[] = [];
    if (failure) {
      const facts = { consecutiveFailures: failure.occurrences, incidentSince: failure.openedAt };
      for (const route of routes) if (route.events.has('recovery') && wasAlerted(route, failure)) send(route, 'recovery', facts);
      close.push(failure);
    }
    const stale = open('stale');
    if (stale) close.push(stale);
    return { entries, upsert: [], close };
  }

  const occurrences = (failure?.occurrences ?? 0) + 1;
  const openedAt = failure?.openedAt ?? nowIso;
  const alerts: Record<string, AlertMark> = { ...failure?.alerts };
  const facts = { consecutiveFailures: occurrences, incidentSince: openedAt };
  for (const route of routes) {
    for (const event of ['failure', 'failureStreak'] as const) {
      if (!route.events.has(event)) continue;
      if (event === 'failureStreak' && occurrences < route.afterFailures) continue;
      const key = `${route.destination.id}/${event}`;
      if (sent.has(key) || !shouldAlert(alerts[key], route.repeatEverySeconds, nowMs)) continue;
      send(route, event, facts);
      alerts[key] = { lastAt: nowIso, count: (alerts[key]?.count ?? 0) + 1 };
    }
  }
  const incident: Incident = { curationType: record.curationType, kind: 'failure', subject: '', openedAt, updatedAt: nowIso, occurrences, alerts };
  return { entries, upsert: [incident], close: [] };
}

// A route that listens to failures hears about the recovery only if it heard about the failure.
function wasAlerted(route: Route, incident: Incident): boolean {
  const listens = route.events.has('failure') || route.events.has('failureStreak');
  if (!listens) return true;
  const id = route.destination.id;
  return incident.alerts[`${id}/failure`] !== undefined || incident.alerts[`${id}/failureStreak`] !== undefined;
}
