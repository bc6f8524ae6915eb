import pg from 'pg';
import type { AlertPlan, RunAlertPlanner } from '../../domain/notify/incidents.js';
import type { Sql } from './database.js';
import type { RecordHook } from './history.js';
import { listIncidents, writeIncidents } from './incidents.js';
import { enqueueEntries } from './outbox.js';

// Planners read incidents and write them back, so two planners must not
// interleave. Transaction-scoped advisory locks, keyed by schema: a planner
// over every incident (applyAlerts) takes the schema's key exclusively; a
// run's planner takes it shared plus its curation's key exclusively, so runs
// of different curations still finish side by side.
const ALL = "hashtextextended(current_schema() || ':incidents', 0)";
const ONE = "hashtextextended(current_schema() || ':incidents:' || $1, 0)";

/** Writes a plan's entries and incident changes; the caller holds the transaction. */
export async function applyPlan(tx: Sql, plan: AlertPlan, now: string): Promise<void> {
  await enqueueEntries(tx, plan.entries, now);
  await writeIncidents(tx, plan.upsert, plan.close);
}

/** The locks `alertHook` takes for `curationType`, as a statement without parameters (a transaction's prelude). */
export function alertLocks(curationType: string): string {
  return `SELECT pg_advisory_xact_lock_shared(${ALL}), pg_advisory_xact_lock(${ONE.replace('$1', pg.escapeLiteral(curationType))})`;
}

/** Waits until no other planner works on any incident, and keeps them out until the transaction ends. */
export async function lockAllIncidents(tx: Sql): Promise<void> {
  await tx.run(`SELECT pg_advisory_xact_lock(${ALL})`);
}

/**
 * The hook that makes `finishRecord` (or a skipped tick) run `alerts` on the
 * stored record and the curation's open incidents, and write its plan in the
 * record's transaction. `locked`: a curation whose locks the transaction took
 * already ({@link alertLocks} as its prelude).
 */
export function alertHook(tx: Sql, alerts: RunAlertPlanner, now: string, locked?: string): RecordHook {
  return {
    async lock(curationType) {
      if (curationType === locked) return;
      await tx.run(`SELECT pg_advisory_xact_lock_shared(${ALL}), pg_advisory_xact_lock(${ONE})`, [curationType]);
    },
    async write(stored) {
      await applyPlan(tx, alerts(stored, await listIncidents(tx, stored.curationType)), now);
    },
  };
}
