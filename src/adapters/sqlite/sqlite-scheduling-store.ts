import type { RunAlertPlanner } from '../../domain/notify/incidents.js';
import type { HistoryRecord } from '../../domain/history.js';
import { StateError } from '../../domain/errors.js';
import type { RunState } from '../../domain/run.js';
import type { OverlapPolicy } from '../../domain/schedule-policy.js';
import type { ClaimedRun, EnqueueOutcome, LeaseRequest, RunQueue } from '../../ports/run-queue.js';
import type { CurationChanges, ScheduleCursor, ScheduledRuns, ScheduleStore, TickClaim } from '../../ports/schedule-store.js';
import type { WorkerInfo, WorkerRegistry } from '../../ports/worker-registry.js';
import type { SqliteDatabase } from './connection.js';
import type { HistoryTable } from './history.js';
import { RunLeaseTables } from './run-leases.js';
import type { RunTable } from './runs.js';
import { ScheduleTables } from './schedule-ticks.js';
import { WorkerTable } from './workers.js';

/**
 * The scheduler's ports over the state store's SQLite connection: tick claims
 * and cursors, run leases, worker heartbeats. Every claim is one IMMEDIATE
 * transaction, so processes sharing `state.db` never both win one.
 * Reached as `SqliteStateStore#scheduling`.
 */
/** Writes the outbox entries `alerts` plans for a stored record (inside the caller's transaction). */
export type AlertHook = (alerts: RunAlertPlanner) => (stored: HistoryRecord) => void;

export class SqliteSchedulingStore implements ScheduleStore, RunQueue, WorkerRegistry {
  readonly #alertHook: AlertHook | undefined;
  readonly #db: SqliteDatabase;
  readonly #schedule: ScheduleTables;
  readonly #leases: RunLeaseTables;
  readonly #workers: WorkerTable;
  readonly #pruneWorkers;

  constructor(db: SqliteDatabase, runs: RunTable, history: HistoryTable, alertHook?: AlertHook) {
    this.#db = db;
    this.#alertHook = alertHook;
    this.#schedule = new ScheduleTables(db, runs, history);
    this.#leases = new RunLeaseTables(db, runs);
    this.#workers = new WorkerTable(db);
    this.#pruneWorkers = db.prepare<[string]>('DELETE FROM workers WHERE heartbeat_at < ?');
  }

  async claimTicks(claims: readonly TickClaim[], alerts?: RunAlertPlanner): Promise<boolean[]> {
    const live = this.#live();
    return live.#schedule.claim(claims, alerts && live.#alertHook?.(alerts));
  }

  async advanceCursor(curationType: string, lastTick: string): Promise<void> {
    this.#live().#schedule.advance(curationType, lastTick);
  }

  async listCursors(): Promise<ScheduleCursor[]> {
    return this.#live().#schedule.cursors();
  }

  async curationChanges(afterSeq: number): Promise<CurationChanges> {
    return this.#live().#schedule.changes(afterSeq);
  }

  async scheduledRuns(curationType: string, fromIso: string, toIso: string): Promise<ScheduledRuns> {
    return this.#live().#schedule.scheduledRuns(curationType, fromIso, toIso);
  }

  async pruneSchedule(beforeIso: string): Promise<number> {
    const removed = this.#live().#schedule.prune(beforeIso);
    return removed + this.#pruneWorkers.run(beforeIso).changes;
  }

  async claimNextRun(request: LeaseRequest): Promise<ClaimedRun | undefined> {
    return this.#live().#leases.claimNext(request);
  }

  async claimRun(executionName: string, request: LeaseRequest): Promise<ClaimedRun | undefined> {
    return this.#live().#leases.claim(executionName, request);
  }

  async enqueueRun(run: RunState, overlap: OverlapPolicy, now: Date, reason: string): Promise<EnqueueOutcome> {
    return this.#live().#leases.enqueue(run, overlap, now, reason);
  }

  async renewLeases(owner: string, executionNames: readonly string[], leaseUntil: Date): Promise<string[]> {
    return this.#live().#leases.renew(owner, executionNames, leaseUntil);
  }

  async releaseLease(executionName: string, owner: string): Promise<void> {
    this.#live().#leases.release(executionName, owner);
  }

  async activeRuns(curationTypes: readonly string[]): Promise<RunState[]> {
    return this.#live().#leases.active(curationTypes);
  }

  async requestCancel(executionName: string, reason: string, now: Date): Promise<void> {
    this.#live().#leases.requestCancel(executionName, reason, now);
  }

  async cancelRequests(executionNames: readonly string[]): Promise<Map<string, string>> {
    return this.#live().#leases.cancelRequests(executionNames);
  }

  async repairFinishedRuns(): Promise<number> {
    return this.#live().#leases.repair();
  }

  async heartbeat(worker: WorkerInfo): Promise<void> {
    this.#live().#workers.heartbeat(worker);
  }

  async listWorkers(aliveSince: string): Promise<WorkerInfo[]> {
    return this.#live().#workers.list(aliveSince);
  }

  async removeWorker(workerId: string): Promise<void> {
    this.#live().#workers.remove(workerId);
  }

  #live(): this {
    if (!this.#db.open) throw new StateError('the state store is closed; open it again to use it');
    return this;
  }
}
