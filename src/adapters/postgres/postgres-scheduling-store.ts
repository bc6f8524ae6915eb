import type { RunAlertPlanner } from '../../domain/notify/incidents.js';
import type { RunState } from '../../domain/run.js';
import type { OverlapPolicy } from '../../domain/schedule-policy.js';
import type { ClaimedRun, EnqueueOutcome, LeaseRequest, RunQueue } from '../../ports/run-queue.js';
import type { CurationChanges, ScheduleCursor, ScheduledRuns, ScheduleStore, TickClaim } from '../../ports/schedule-store.js';
import type { WorkerInfo, WorkerRegistry } from '../../ports/worker-registry.js';
import { alertHook } from './alert-plans.js';
import type { Database } from './database.js';
import * as leases from './run-leases.js';
import * as schedule from './schedule-ticks.js';
import * as workers from './workers.js';

/**
 * The scheduler's ports over the state store's pool: tick claims and cursors,
 * run leases, worker heartbeats. A tick batch is one transaction; a run claim
 * locks its candidate with `FOR NO KEY UPDATE SKIP LOCKED` and takes the lease
 * with an upsert that re-checks expiry, so workers on any number of machines
 * never both hold a live lease on one run. Reached as
 * `PostgresStateStore#scheduling`.
 *
 * @example
 * const claimed = await store.scheduling.claimNextRun({ owner: workerId, now, leaseUntil: new Date(now.getTime() + 30_000) });
 */
export class PostgresSchedulingStore implements ScheduleStore, RunQueue, WorkerRegistry {
  readonly #db: Database;
  readonly #live: () => void;
  readonly #now: () => string;

  /** `live` throws when the store is closed; `now` stamps what alert plans write. */
  constructor(db: Database, live: () => void, now: () => string) {
    this.#db = db;
    this.#live = live;
    this.#now = now;
  }

  async claimTicks(claims: readonly TickClaim[], alerts?: RunAlertPlanner): Promise<boolean[]> {
    this.#live();
    if (claims.length === 0) return [];
    const now = this.#now();
    return this.#db.transaction((tx) => schedule.claimTicks(tx, claims, alerts && alertHook(tx, alerts, now)));
  }

  async advanceCursor(curationType: string, lastTick: string): Promise<void> {
    return schedule.advanceCursor(this.#sql(), curationType, lastTick);
  }

  async listCursors(): Promise<ScheduleCursor[]> {
    return schedule.listCursors(this.#sql());
  }

  async curationChanges(afterSeq: number): Promise<CurationChanges> {
    return schedule.curationChanges(this.#sql(), afterSeq);
  }

  async scheduledRuns(curationType: string, fromIso: string, toIso: string): Promise<ScheduledRuns> {
    return schedule.scheduledRuns(this.#sql(), curationType, fromIso, toIso);
  }

  async pruneSchedule(beforeIso: string): Promise<number> {
    const sql = this.#sql();
    return (await schedule.pruneTicks(sql, beforeIso)) + (await workers.pruneWorkers(sql, beforeIso));
  }

  async claimNextRun(request: LeaseRequest): Promise<ClaimedRun | undefined> {
    this.#live();
    return leases.claimRun(this.#db, request);
  }

  async claimRun(executionName: string, request: LeaseRequest): Promise<ClaimedRun | undefined> {
    this.#live();
    return leases.claimRun(this.#db, request, executionName);
  }

  async enqueueRun(run: RunState, overlap: OverlapPolicy, now: Date, reason: string): Promise<EnqueueOutcome> {
    this.#live();
    return leases.enqueueRun(this.#db, run, overlap, now, reason);
  }

  async renewLeases(owner: string, executionNames: readonly string[], leaseUntil: Date): Promise<string[]> {
    return leases.renewLeases(this.#sql(), owner, executionNames, leaseUntil);
  }

  async releaseLease(executionName: string, owner: string): Promise<void> {
    return leases.releaseLease(this.#sql(), executionName, owner);
  }

  async activeRuns(curationTypes: readonly string[]): Promise<RunState[]> {
    return leases.activeRuns(this.#sql(), curationTypes);
  }

  async requestCancel(executionName: string, reason: string, now: Date): Promise<void> {
    return leases.requestCancel(this.#sql(), executionName, reason, now);
  }

  async cancelRequests(executionNames: readonly string[]): Promise<Map<string, string>> {
    return leases.cancelRequests(this.#sql(), executionNames);
  }

  async repairFinishedRuns(): Promise<number> {
    return leases.repairFinishedRuns(this.#sql());
  }

  async heartbeat(worker: WorkerInfo): Promise<void> {
    return workers.heartbeat(this.#sql(), worker);
  }

  async listWorkers(aliveSince: string): Promise<WorkerInfo[]> {
    return workers.listWorkers(this.#sql(), aliveSince);
  }

  async removeWorker(workerId: string): Promise<void> {
    return workers.removeWorker(this.#sql(), workerId);
  }

  #sql() {
    this.#live();
    return this.#db.sql;
  }
}
