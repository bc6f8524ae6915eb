import type { RunState } from '../../domain/run.js';
import type { OverlapPolicy } from '../../domain/schedule-policy.js';
import type { ClaimedRun, EnqueueOutcome, LeaseRequest } from '../../ports/run-queue.js';
import type { SqliteDatabase } from './connection.js';
import type { RunTable } from './runs.js';
import { runFromRow, type RunRow } from './run-row.js';

const NOT_FINISHED = 'NOT EXISTS (SELECT 1 FROM history h WHERE h.execution_name = r.execution_name)';
const UNLEASED = 'NOT EXISTS (SELECT 1 FROM run_leases l WHERE l.execution_name = r.execution_name AND l.lease_until > @now)';
// Runs of one curation go oldest first; backfills run side by side and hold nobody up. A run asked to cancel
// waits for nobody: its claimant ends it cancelled without starting its query.
const FIRST_IN_LINE = `(r."trigger" = 'backfill' OR EXISTS (SELECT 1 FROM run_cancel_requests c WHERE c.execution_name = r.execution_name) OR NOT EXISTS (
  SELECT 1 FROM runs o WHERE o.curation_type = r.curation_type AND o.status IN ('queued', 'running') AND o."trigger" <> 'backfill'
    AND (o.created_at < r.created_at OR (o.created_at = r.created_at AND o.execution_name < r.execution_name))
    AND NOT EXISTS (SELECT 1 FROM history h2 WHERE h2.execution_name = o.execution_name)))`;

interface LeaseRow {
  owner: string;
  lease_until: string;
  claims: number;
}

/** The `run_leases` and `run_cancel_requests` tables: which worker executes which run, and until when. */
export class RunLeaseTables {
  readonly #next;
  readonly #named;
  readonly #lease;
  readonly #upsert;
  readonly #claimNext;
  readonly #claimNamed;
  readonly #release;
  readonly #active;
  readonly #requestCancel;
  readonly #cancels;
  readonly #repair;
  readonly #dropFinishedLeases;
  readonly #renew;
  readonly #liveLeases;
  readonly #enqueue;

  constructor(db: SqliteDatabase, runs: RunTable) {
    this.#renew = db.prepare<[string, string, string], { execution_name: string }>(
      'UPDATE run_leases SET lease_until = ? WHERE owner = ? AND execution_name IN (SELECT value FROM json_each(?)) RETURNING execution_name',
    );
    const claimable = `r.status IN ('queued', 'running') AND ${UNLEASED} AND ${NOT_FINISHED}`;
    // One status at a time, so the claim-order index yields candidates already sorted.
    this.#next = db.prepare<{ now: string; status: string }, RunRow>(
      `SELECT r.* FROM runs r INDEXED BY runs_claim_order WHERE r.status = @status AND ${UNLEASED} AND ${NOT_FINISHED} AND ${FIRST_IN_LINE}
       ORDER BY r.created_at, r.execution_name LIMIT 1`,
    );
    // First in line too: a run claimed by name (adp run --wait) must not overtake an older run of its curation (unless asked to cancel).
    this.#named = db.prepare<{ now: string; name: string }, RunRow>(`SELECT r.* FROM runs r WHERE r.execution_name = @name AND ${claimable} AND ${FIRST_IN_LINE}`);
    this.#lease = db.prepare<[string], LeaseRow>('SELECT owner, lease_until, claims FROM run_leases WHERE execution_name = ?');
    this.#upsert = db.prepare<[string, string, string]>(
      `INSERT INTO run_leases (execution_name, owner, lease_until, claims) VALUES (?, ?, ?, 1)
       ON CONFLICT (execution_name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, claims = claims + 1`,
    );
    this.#liveLeases = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM run_leases WHERE lease_until > ?');
    // Inside the claim's IMMEDIATE transaction: no other connection can lease between the count and the claim.
    const capped = (req: LeaseRequest) => req.maxActive !== undefined && this.#liveLeases.get(req.now.toISOString())!.n >= req.maxActive;
    const take = (row: RunRow | undefined, req: LeaseRequest): ClaimedRun | undefined => {
      if (!row) return undefined;
      const before = this.#lease.get(row.execution_name);
      this.#upsert.run(row.execution_name, req.owner, req.leaseUntil.toISOString());
      const claimed: ClaimedRun = { run: runFromRow(row), claims: (before?.claims ?? 0) + 1 };
      return before ? { ...claimed, previousOwner: before.owner } : claimed;
    };
    this.#claimNext = db.transaction((req: LeaseRequest) => {
      if (capped(req)) return undefined;
      const now = req.now.toISOString();
      const orphan = this.#next.get({ now, status: 'running' });
      const queued = this.#next.get({ now, status: 'queued' });
      const older = orphan && queued ? (orphan.created_at <= queued.created_at ? orphan : queued) : (orphan ?? queued);
      return take(older, req);
    });
    this.#claimNamed = db.transaction((name: string, req: LeaseRequest) =>
      capped(req) ? undefined : take(this.#named.get({ now: req.now.toISOString(), name }), req),
    );
    // Expired rather than deleted, so the claim count survives for the next claimer.
    this.#release = db.prepare<[string, string]>("UPDATE run_leases SET lease_until = '' WHERE execution_name = ? AND owner = ?");
    this.#active = db.prepare<[string], RunRow>(
      `SELECT * FROM runs r WHERE curation_type IN (SELECT value FROM json_each(?)) AND status IN ('queued', 'running') AND ${NOT_FINISHED}
       ORDER BY created_at, execution_name`,
    );
    this.#requestCancel = db.prepare<[string, string, string]>(
      'INSERT INTO run_cancel_requests (execution_name, reason, requested_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.#cancels = db.prepare<[string], { execution_name: string; reason: string }>(
      'SELECT execution_name, reason FROM run_cancel_requests WHERE execution_name IN (SELECT value FROM json_each(?))',
    );
    this.#repair = db.prepare(
      `UPDATE runs SET status = (SELECT h.status FROM history h WHERE h.execution_name = runs.execution_name)
       WHERE status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM history h WHERE h.execution_name = runs.execution_name)`,
    );
    const blocking = db.prepare<[string], RunRow>(
      `SELECT * FROM runs r WHERE curation_type = ? AND status IN ('queued', 'running') AND "trigger" <> 'backfill' AND ${NOT_FINISHED}
       ORDER BY created_at, execution_name`,
    );
    // IMMEDIATE: the write lock is held from the read of the active runs to the insert, so two starters cannot both see none.
    this.#enqueue = db.transaction((run: RunState, overlap: OverlapPolicy, now: Date, reason: string): EnqueueOutcome => {
      const active = run.trigger === 'backfill' ? [] : blocking.all(run.curationType).map(runFromRow);
      if (active.length > 0 && overlap === 'skip') return { queued: false, active: active[0]! };
      runs.create(run);
      const names = active.map((r) => r.executionName);
      if (overlap !== 'cancelRunning') return { queued: true, behind: names, cancelling: [] };
      for (const name of names) this.#requestCancel.run(name, reason, now.toISOString());
      return { queued: true, behind: names, cancelling: names };
    });
    this.#dropFinishedLeases = db.prepare(
      'DELETE FROM run_leases WHERE execution_name IN (SELECT l.execution_name FROM run_leases l JOIN history h ON h.execution_name = l.execution_name)',
    );
  }

  claimNext(req: LeaseRequest): ClaimedRun | undefined {
    return this.#claimNext.immediate(req);
  }

  claim(executionName: string, req: LeaseRequest): ClaimedRun | undefined {
    return this.#claimNamed.immediate(executionName, req);
  }

  enqueue(run: RunState, overlap: OverlapPolicy, now: Date, reason: string): EnqueueOutcome {
    return this.#enqueue.immediate(run, overlap, now, reason);
  }

  renew(owner: string, names: readonly string[], leaseUntil: Date): string[] {
    if (names.length === 0) return [];
    return this.#renew.all(leaseUntil.toISOString(), owner, JSON.stringify(names)).map((r) => r.execution_name);
  }

  release(executionName: string, owner: string): void {
    this.#release.run(executionName, owner);
  }

  active(curationTypes: readonly string[]): RunState[] {
    if (curationTypes.length === 0) return [];
    return this.#active.all(JSON.stringify(curationTypes)).map(runFromRow);
  }

  requestCancel(executionName: string, reason: string, now: Date): void {
    this.#requestCancel.run(executionName, reason, now.toISOString());
  }

  cancelRequests(names: readonly string[]): Map<string, string> {
    if (names.length === 0) return new Map();
    return new Map(this.#cancels.all(JSON.stringify(names)).map((r) => [r.execution_name, r.reason]));
  }

  repair(): number {
    const fixed = this.#repair.run().changes;
    this.#dropFinishedLeases.run();
    return fixed;
  }
}
