import pg from 'pg';
import type { RunState } from '../../domain/run.js';
import type { OverlapPolicy } from '../../domain/schedule-policy.js';
import type { ClaimedRun, EnqueueOutcome, LeaseRequest } from '../../ports/run-queue.js';
import type { Database, Sql } from './database.js';
import { RUN_COLUMNS, runFromRow, type RunRow } from './run-row.js';
import { createRun } from './runs.js';

// $1 is always the claim's "now".
const NOT_FINISHED = 'NOT EXISTS (SELECT 1 FROM history h WHERE h.execution_name = r.execution_name)';
const UNLEASED = 'NOT EXISTS (SELECT 1 FROM run_leases l WHERE l.execution_name = r.execution_name AND l.lease_until > $1)';
// Runs of one curation go oldest first; backfills run side by side and hold nobody up. A run asked to cancel
// waits for nobody: its claimant ends it cancelled without starting its query.
const FIRST_IN_LINE = `(r."trigger" = 'backfill' OR EXISTS (SELECT 1 FROM run_cancel_requests c WHERE c.execution_name = r.execution_name) OR NOT EXISTS (
  SELECT 1 FROM runs o WHERE o.curation_type = r.curation_type AND o.status IN ('queued', 'running') AND o."trigger" <> 'backfill'
    AND (o.created_at, o.execution_name) < (r.created_at, r.execution_name)
    AND NOT EXISTS (SELECT 1 FROM history h2 WHERE h2.execution_name = o.execution_name)))`;
const R_COLUMNS = RUN_COLUMNS.split(', ')
  .map((c) => `r.${c}`)
  .join(', ');

// The oldest claimable run of one status, locked; runs another claim is locking right now are skipped, not waited for.
const oldest = (status: string, rank: number) => `SELECT ${R_COLUMNS}, ${rank} AS rank FROM runs r
  WHERE r.status = '${status}' AND ${UNLEASED} AND ${NOT_FINISHED} AND ${FIRST_IN_LINE}
  ORDER BY r.created_at, r.execution_name LIMIT 1 FOR NO KEY UPDATE OF r SKIP LOCKED`;

// The lease is taken only if nobody holds a live one: the upsert re-checks expiry on the row as committed
// (a concurrent claimer's lease may be newer than this statement's snapshot).
const LEASE = `leased AS (
  INSERT INTO run_leases (execution_name, owner, lease_until, claims) SELECT execution_name, $2::text, $3::timestamptz, 1 FROM candidate
  ON CONFLICT (execution_name) DO UPDATE SET
    previous_owner = run_leases.owner, owner = excluded.owner, lease_until = excluded.lease_until, claims = run_leases.claims + 1
  WHERE run_leases.lease_until <= $1::timestamptz
  RETURNING execution_name, claims, previous_owner)
SELECT c.*, l.claims, l.previous_owner, l.execution_name IS NOT NULL AS won FROM candidate c LEFT JOIN leased l USING (execution_name)`;

// With a cap ($n), a claim goes ahead only while fewer leases are live; the caller holds the cap lock.
const underCap = (n: number) => `(SELECT count(*) FROM run_leases WHERE lease_until > $1) < $${n}`;

// An orphan (running, nobody holds it: its worker died) and the oldest queued run compete on age.
const claimNext = (capped: boolean) => `WITH orphan AS (${oldest('running', 0)}), queued AS (${oldest('queued', 1)}),
candidate AS (SELECT * FROM (SELECT * FROM orphan UNION ALL SELECT * FROM queued) c ${capped ? `WHERE ${underCap(4)}` : ''}
  ORDER BY created_at, rank LIMIT 1),
${LEASE}`;

// First in line too: a run claimed by name (adp run --wait) must not overtake an older run of its curation (unless asked to cancel).
const claimNamed = (capped: boolean) => `WITH candidate AS (SELECT ${R_COLUMNS} FROM runs r
  WHERE r.execution_name = $4 AND r.status IN ('queued', 'running') AND ${UNLEASED} AND ${NOT_FINISHED} AND ${FIRST_IN_LINE} ${capped ? `AND ${underCap(5)}` : ''}
  FOR NO KEY UPDATE OF r SKIP LOCKED),
${LEASE}`;

const CLAIMS = {
  next: { free: claimNext(false), capped: claimNext(true) },
  named: { free: claimNamed(false), capped: claimNamed(true) },
};

// Taken before the claim statement, so that statement's snapshot already holds every lease committed by earlier holders.
const CAP_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':run-cap', 0))";

/**
 * A capped claim as one round trip: the cap lock, then the claim, in one
 * implicit transaction (the lock is held until it ends), each statement with
 * its own snapshot, so the claim sees every lease committed before the lock
 * was granted. Without parameters (several statements cannot have any), so
 * the values are inlined as literals; the claim is planned afresh each time,
 * which costs less than the round trips the lock was held across before.
 */
function cappedScript(text: string, values: readonly unknown[]): string {
  const literal = (v: unknown, i: number): string => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new RangeError(`claim parameter $${i + 1} must be an integer (got ${v})`);
      return String(v);
    }
    return pg.escapeLiteral(String(v));
  };
  // Highest first, so $1 does not match the start of $10.
  let inlined = text;
  for (let i = values.length - 1; i >= 0; i--) inlined = inlined.replaceAll(`$${i + 1}`, literal(values[i], i));
  return `${CAP_LOCK};\n${inlined}`;
}

/** How often a claim looks for another run after a concurrent claimer leased the one it locked. */
const LOST_RACES = 5;

interface ClaimRow extends RunRow {
  claims: number | null;
  previous_owner: string | null;
  won: boolean;
}

/**
 * Claims the oldest claimable run (or the one named). Without a cap it is one
 * statement; with `maxActive` it is one round trip whose transaction first
 * takes the schema's cap lock (an advisory lock), so no other capped claim can
 * lease between its count of live leases and its own lease.
 */
export async function claimRun(db: Database, req: LeaseRequest, executionName?: string): Promise<ClaimedRun | undefined> {
  const values: unknown[] = [req.now.toISOString(), req.owner, req.leaseUntil.toISOString()];
  if (executionName !== undefined) values.push(executionName);
  if (req.maxActive !== undefined) values.push(req.maxActive);
  const text = CLAIMS[executionName === undefined ? 'next' : 'named'][req.maxActive === undefined ? 'free' : 'capped'];
  const once =
    req.maxActive === undefined
      ? () => db.sql.one<ClaimRow>(text, values)
      : (() => {
          const script = cappedScript(text, values);
          return async () => (await db.sql.script<ClaimRow>(script))[0];
        })();
  for (let i = 0; i < LOST_RACES; i++) {
    const row = await once();
    if (!row) return undefined;
    if (row.won) return claimed(row);
    // A named run someone else just leased is not ours to take.
    if (executionName !== undefined) return undefined;
  }
  return undefined;
}

/** One lease to extend: `owner`'s on `executionName`, until `leaseUntil`. */
export interface LeaseRenewal {
  readonly owner: string;
  readonly executionName: string;
  readonly leaseUntil: Date;
}

/** A lease of one owner, as a key: `owner` NUL `executionName`. */
export const leaseKey = (owner: string, executionName: string): string => `${owner}\u0000${executionName}`;

/**
 * Extends each lease its owner still holds (several renewals, of any owners, in
 * one statement); returns the {@link leaseKey}s of those still held. A lease
 * named twice takes the later entry's time, as two statements in a row would.
 */
export async function renewLeases(sql: Sql, renewals: readonly LeaseRenewal[]): Promise<Set<string>> {
  const latest = new Map<string, LeaseRenewal>();
  for (const r of renewals) latest.set(leaseKey(r.owner, r.executionName), r);
  if (latest.size === 0) return new Set();
  const rows = await sql.rows<{ owner: string; execution_name: string }>(
    `UPDATE run_leases l SET lease_until = v.lease_until
     FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(owner, execution_name, lease_until)
     WHERE l.owner = v.owner AND l.execution_name = v.execution_name RETURNING l.owner, l.execution_name`,
    [[...latest.values()].map((r) => r.owner), [...latest.values()].map((r) => r.executionName), [...latest.values()].map((r) => r.leaseUntil.toISOString())],
  );
  return new Set(rows.map((r) => leaseKey(r.owner, r.execution_name)));
}

/** Expires each owner's lease at once (kept, not deleted, so the claim count survives for the next claimer); several in one statement. */
export async function releaseLeases(sql: Sql, leases: readonly { readonly executionName: string; readonly owner: string }[]): Promise<void> {
  if (leases.length === 0) return;
  await sql.run(
    `UPDATE run_leases l SET lease_until = '-infinity' FROM unnest($1::text[], $2::text[]) AS v(execution_name, owner)
     WHERE l.execution_name = v.execution_name AND l.owner = v.owner`,
    [leases.map((l) => l.executionName), leases.map((l) => l.owner)],
  );
}

/** Active runs (queued or running, no terminal record) of the curations, oldest first. */
export async function activeRuns(sql: Sql, curationTypes: readonly string[]): Promise<RunState[]> {
  if (curationTypes.length === 0) return [];
  const rows = await sql.rows<RunRow>(
    `SELECT ${R_COLUMNS} FROM runs r WHERE r.curation_type = ANY($1::text[]) AND r.status IN ('queued', 'running') AND ${NOT_FINISHED}
     ORDER BY r.created_at, r.execution_name`,
    [curationTypes],
  );
  return rows.map(runFromRow);
}

/** Records a cancel request; the first reason stays. */
export async function requestCancel(sql: Sql, executionName: string, reason: string, now: Date): Promise<void> {
  await sql.run('INSERT INTO run_cancel_requests (execution_name, reason, requested_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    executionName,
    reason,
    now.toISOString(),
  ]);
}

/** The cancel requests among `names`, name → reason. */
export async function cancelRequests(sql: Sql, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await sql.rows<{ execution_name: string; reason: string }>(
    'SELECT execution_name, reason FROM run_cancel_requests WHERE execution_name = ANY($1::text[])',
    [names],
  );
  return new Map(rows.map((r) => [r.execution_name, r.reason]));
}

/** Gives runs whose terminal record exists their record's status, and drops leases of finished runs; returns how many runs. */
export async function repairFinishedRuns(sql: Sql): Promise<number> {
  const fixed = await sql.run(
    `UPDATE runs r SET status = h.status FROM history h WHERE h.execution_name = r.execution_name AND r.status IN ('queued', 'running')`,
  );
  await sql.run('DELETE FROM run_leases l USING history h WHERE h.execution_name = l.execution_name');
  return fixed;
}

function claimed(row: ClaimRow): ClaimedRun {
  const result: ClaimedRun = { run: runFromRow(row), claims: row.claims ?? 1 };
  return row.previous_owner === null ? result : { ...result, previousOwner: row.previous_owner };
}

// Per curation, for the length of the transaction: READ COMMITTED alone would let two starters both read "no active run".
const START_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':run-start:' || $1, 0))";

/**
 * Stores `run` as the curation's overlap policy says, the check and the
 * insert under the curation's start lock (see `RunQueue.enqueueRun`).
 */
export async function enqueueRun(db: Database, run: RunState, overlap: OverlapPolicy, now: Date, reason: string): Promise<EnqueueOutcome> {
  return db.transaction(async (tx) => {
    let active: RunState[] = [];
    if (run.trigger !== 'backfill') {
      await tx.run(START_LOCK, [run.curationType]);
      const rows = await tx.rows<RunRow>(
        `SELECT ${R_COLUMNS} FROM runs r WHERE r.curation_type = $1 AND r.status IN ('queued', 'running') AND r."trigger" <> 'backfill' AND ${NOT_FINISHED}
         ORDER BY r.created_at, r.execution_name`,
        [run.curationType],
      );
      active = rows.map(runFromRow);
    }
    if (active.length > 0 && overlap === 'skip') return { queued: false, active: active[0]! };
    await createRun(tx, run);
    const names = active.map((r) => r.executionName);
    if (overlap !== 'cancelRunning') return { queued: true, behind: names, cancelling: [] };
    for (const name of names) await requestCancel(tx, name, reason, now);
    return { queued: true, behind: names, cancelling: names };
  });
}
