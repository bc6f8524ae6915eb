import type { RunAlertPlanner } from '../../../domain/notify/incidents.js';
import type { RunState } from '../../../domain/run.js';
import type { OverlapPolicy } from '../../../domain/schedule-policy.js';
import type { ClaimedRun, EnqueueOutcome, LeaseRequest, RunQueue } from '../../../ports/run-queue.js';
import type { CurationChanges, ScheduleCursor, ScheduledRuns, ScheduleStore, TickClaim } from '../../../ports/schedule-store.js';
import type { WorkerInfo, WorkerRegistry } from '../../../ports/worker-registry.js';
import { enqueueRun } from './enqueue-run.js';
import type { Tables } from './retry-conflicts.js';
import * as leases from './run-leases.js';
import * as schedule from './schedule-ticks.js';
import * as workers from './workers.js';

/**
 * The scheduler's ports over the state store's tables: tick claims and
 * cursors, run leases, worker heartbeats. Every claim is a conditional
 * write (or a transaction of them) that re-checks what it read, so any
 * number of processes share the tables safely. Reached as
 * `DynamoStateStore#scheduling`.
 *
 * @example
 * const claimed = await store.scheduling.claimNextRun({ owner: workerId, now, leaseUntil: new Date(now.getTime() + 30_000) });
 */
export class DynamoSchedulingStore implements ScheduleStore, RunQueue, WorkerRegistry {
  readonly #t: () => Tables;
  readonly #now: () => string;

  /** `tables` throws when the store is closed; `now` stamps what alert plans write. */
  constructor(tables: () => Tables, now: () => string) {
    this.#t = tables;
    this.#now = now;
  }

  async claimTicks(claims: readonly TickClaim[], alerts?: RunAlertPlanner): Promise<boolean[]> {
    return schedule.claimTicks(this.#t(), claims, this.#now(), alerts);
  }

  async advanceCursor(curationType: string, lastTick: string): Promise<void> {
    return schedule.advanceCursor(this.#t(), curationType, lastTick);
  }

  async listCursors(): Promise<ScheduleCursor[]> {
    return schedule.listCursors(this.#t());
  }

  async curationChanges(afterSeq: number): Promise<CurationChanges> {
    return schedule.curationChanges(this.#t(), afterSeq);
  }

  async scheduledRuns(curationType: string, fromIso: string, toIso: string): Promise<ScheduledRuns> {
    return schedule.scheduledRuns(this.#t(), curationType, fromIso, toIso);
  }

  async pruneSchedule(beforeIso: string): Promise<number> {
    const t = this.#t();
    return (await schedule.pruneTicks(t, beforeIso)) + (await workers.pruneWorkers(t, beforeIso));
  }

  async claimNextRun(request: LeaseRequest): Promise<ClaimedRun | undefined> {
    return leases.claimRun(this.#t(), request);
  }

  async claimRun(executionName: string, request: LeaseRequest): Promise<ClaimedRun | undefined> {
    return leases.claimRun(this.#t(), request, executionName);
  }

  async enqueueRun(run: RunState, overlap: OverlapPolicy, now: Date, reason: string): Promise<EnqueueOutcome> {
    return enqueueRun(this.#t(), run, overlap, now, reason);
  }

  async renewLeases(owner: string, executionNames: readonly string[], leaseUntil: Date): Promise<string[]> {
    return leases.renewLeases(this.#t(), owner, executionNames, leaseUntil);
  }

  async releaseLease(executionName: string, owner: string): Promise<void> {
    return leases.releaseLease(this.#t(), executionName, owner);
  }

  async activeRuns(curationTypes: readonly string[]): Promise<RunState[]> {
    return leases.activeRuns(this.#t(), curationTypes);
  }

  async requestCancel(executionName: string, reason: string, now: Date): Promise<void> {
    return leases.requestCancel(this.#t(), executionName, reason, now);
  }

  async cancelRequests(executionNames: readonly string[]): Promise<Map<string, string>> {
    return leases.cancelRequests(this.#t(), executionNames);
  }

  async repairFinishedRuns(): Promise<number> {
    return leases.repairFinishedRuns(this.#t());
  }

  async heartbeat(worker: WorkerInfo): Promise<void> {
    return workers.heartbeat(this.#t(), worker);
  }

  async listWorkers(aliveSince: string): Promise<WorkerInfo[]> {
    return workers.listWorkers(this.#t(), aliveSince);
  }

  async removeWorker(workerId: string): Promise<void> {
    return workers.removeWorker(this.#t(), workerId);
  }
}
