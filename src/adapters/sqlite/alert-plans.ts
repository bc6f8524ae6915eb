import type { AlertPlan } from '../../domain/notify/incidents.js';
import type { IncidentTable } from './incidents.js';
import type { OutboxTable } from './outbox.js';

/** Writes a plan's entries and incident changes; the caller holds the transaction. */
export function applyPlan(outbox: OutboxTable, incidents: IncidentTable, plan: AlertPlan, now: string): void {
  outbox.enqueue(plan.entries, now);
  for (const key of plan.close) incidents.close(key);
  for (const incident of plan.upsert) incidents.upsert(incident);
}
