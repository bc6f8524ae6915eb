import type { RunAlertPlanner } from '../../domain/notify/incidents.js';
import type { RunState } from '../../domain/run.js';
import type { OverlapPolicy } from '../../domain/schedule-policy.js';
import type { ClaimedRun, EnqueueOutcome, LeaseRequest, RunQueue } from '../../ports/run-queue.js';
import type { CurationChanges, ScheduleCursor, ScheduledRuns, ScheduleStore, TickClaim } from '../../ports/schedule-store.js';
import type { WorkerInfo, WorkerRegistry } from '../../ports/worker-registry.js';
import { alertHook } from './alert-plans.js';
import { Batcher } from './batcher.js';
import type { Database } from './database.js';
import type { RunCache } from './run-cache.js';
import * as leases from './run-leases.js';
import * as schedule from './schedule-ticks.js';
import * as workers from './workers.js';

/**
 * The scheduler's ports over the state store's pool: tick claims and cursors,
 * run leases, worker heartbeats. A tick batch is one transaction; a run claim
 * locks its candidate with `FOR NO KEY UPDATE SKIP LOCKED` and takes the lease
 * with an upsert that re-checks expiry, so workers on any number of machines
 * never both hold a live lease on one run. Renewals, releases and cancel
 * polls made while one of their kind is in flight go out together in the
 * next statement (see {@link Batcher}). Reached as
 * `PostgresStateStore#scheduling`.
 *
 * @example
 * const claimed = await store.scheduling.claimNextRun({ owner: workerId, now, leaseUntil: new Date(now.getTime() + 30_000) });
 */
export class PostgresSchedulingStore implements ScheduleStore, RunQueue, WorkerRegistry {
  readonly #db: Database;
  readonly #live: () => void;
  readonly #now: () => string;
  readonly #cache: RunCache;
  readonly #renewals: Batcher<leases.LeaseRenewal, Set<string>>;
  readonly #releases: Batcher<{ executionName: string; owner: string }, void>;
  readonly #cancels: Batcher<string, Map<string, string>>;

  /** `live` throws when the store is closed; `now` stamps what alert plans write; `cache` learns of the leases held. */
  constructor(db: Database, live: () => void, now: () => string, cache: RunCache) {
    this.#db = db;
    this.#live = live;
    this.#now = now;
    this.#cache = cache;
    this.#renewals = new Batcher((renewals) => leases.renewLeases(db.sql, renewals));
    this.#releases = new Batcher((released) => leases.releaseLeases(db.sql, released));
    this.#cancels = new Batcher((names) => leases.cancelRequests(db.sql, [...new Set(names)]));
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
    return this.#claimed(await leases.claimRun(this.#db, request), request);
  }

  async claimRun(executionName: string, request: LeaseRequest): Promise<ClaimedRun | undefined> {
    this.#live();
    return this.#claimed(await leases.claimRun(this.#db, request, executionName), request);
  }

  async enqueueRun(run: RunState, overlap: OverlapPolicy, now: Date, reason: string): Promise<EnqueueOutcome> {
    this.#live();
    return leases.enqueueRun(this.#db, run, overlap, now, reason);
  }

  async renewLeases(owner: string, executionNames: readonly string[], leaseUntil: Date): Promise<string[]> {
    this.#live();
    if (executionNames.length === 0) return [];
    let held: Set<string>;
    try {
      held = await this.#renewals.load(executionNames.map((executionName) => ({ owner, executionName, leaseUntil })));
    } catch (e) {
      // In doubt whether it was extended: reads of these runs go to the database again.
      for (const name of executionNames) this.#cache.forget(name);
      throw e;
    }
    const names = [...new Set(executionNames)].filter((name) => held.has(leases.leaseKey(owner, name)));
    this.#cache.renewed(executionNames, names, leaseUntil.getTime());
    return names;
  }

  async releaseLease(executionName: string, owner: string): Promise<void> {
    this.#live();
    this.#cache.forget(executionName);
    await this.#releases.load([{ executionName, owner }]);
  }

  async activeRuns(curationTypes: readonly string[]): Promise<RunState[]> {
    return leases.activeRuns(this.#sql(), curationTypes);
  }

  async requestCancel(executionName: string, reason: string, now: Date): Promise<void> {
    return leases.requestCancel(this.#sql(), executionName, reason, now);
  }

  async cancelRequests(executionNames: readonly string[]): Promise<Map<string, string>> {
    this.#live();
    if (executionNames.length === 0) return new Map();
    const all = await this.#cancels.load(executionNames);
    const mine = new Map<string, string>();
    for (const name of executionNames) {
      const reason = all.get(name);
      if (reason !== undefined) mine.set(name, reason);
    }
    return mine;
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

  /** Tells the cache of a claim won, so the run's reads while its lease lasts need no round trip. */
  #claimed(claimed: ClaimedRun | undefined, request: LeaseRequest): ClaimedRun | undefined {
    if (claimed) this.#cache.claimed(claimed.run, request.leaseUntil.getTime(), request.now.getTime());
    return claimed;
  }

  #sql() {
    this.#live();
    return this.#db.sql;
  }
}
