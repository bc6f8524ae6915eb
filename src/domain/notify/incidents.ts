import type { HistoryRecord } from '../history.js';
import type { OutboxDraft } from './outbox.js';

/** Something that stays wrong until it is resolved; alerts about it are de-duplicated. */
export const INCIDENT_KINDS = ['failure', 'longRunning', 'missedSchedule', 'stale'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** When a destination was last alerted about an incident, per event. */
export interface AlertMark {
  readonly lastAt: string;
  readonly count: number;
}

/** An open incident of one curation; `subject` tells apart several of a kind (the run, for longRunning). */
export interface Incident {
  readonly curationType: string;
  readonly kind: IncidentKind;
  readonly subject: string;
  readonly openedAt: string;
  readonly updatedAt: string;
  /** Failures in a row (failure); evaluations that saw it (the others). */
  readonly occurrences: number;
  /** Keyed `<destinationId>/<event>`. */
  readonly alerts: Readonly<Record<string, AlertMark>>;
}

export type IncidentKey = Pick<Incident, 'curationType' | 'kind' | 'subject'>;

/** What a planner decided: entries to enqueue and incidents to write or close, applied in one transaction. */
export interface AlertPlan {
  readonly entries: readonly OutboxDraft[];
  readonly upsert: readonly Incident[];
  readonly close: readonly IncidentKey[];
}

export const EMPTY_PLAN: AlertPlan = { entries: [], upsert: [], close: [] };

/**
 * Decides a finished run's outbox entries from the stored record and the
 * curation's open incidents. Called by the state store inside the transaction
 * that writes the record, only when the record is new. Must be pure.
 */
export type RunAlertPlanner = (record: HistoryRecord, incidents: readonly Incident[]) => AlertPlan;

/** Decides periodic alerts from every open incident; called inside the store's transaction. Must be pure. */
export type IncidentPlanner = (incidents: readonly Incident[]) => AlertPlan;

/**
 * One alert per incident and destination, unless `repeatEverySeconds` is set
 * and that long has passed since the last one.
 */
export function shouldAlert(mark: AlertMark | undefined, repeatEverySeconds: number | undefined, nowMs: number): boolean {
  if (!mark) return true;
  if (repeatEverySeconds === undefined) return false;
  return nowMs - Date.parse(mark.lastAt) >= repeatEverySeconds * 1000;
}

export function sameIncident(a: IncidentKey, b: IncidentKey): boolean {
  return a.curationType === b.curationType && a.kind === b.kind && a.subject === b.subject;
}
