import type { RunState } from '../domain/run.js';

/** A run handed to one worker until `leaseUntil`; the worker renews the lease while it works. */
export interface ClaimedRun {
  readonly run: RunState;
  /** How many times the run has been claimed, this claim included (above 1: a worker stopped holding it). */
  readonly claims: number;
  /** The worker whose lease had expired, when this claim took the run over. */
  readonly previousOwner?: string;
}

export interface LeaseRequest {
  readonly owner: string;
  readonly now: Date;
  readonly leaseUntil: Date;
  /**
   * Global cap: the claim succeeds only while fewer than this many runs hold
   * a live lease, counted over every worker sharing the store. Absent: no cap.
   */
  readonly maxActive?: number;
}

/**
 * Which worker executes which run. A run is claimable while it is queued or
 * running, has no terminal record, and nobody holds a live lease on it; a
 * worker that dies stops renewing, so its runs become claimable again.
 */
export interface RunQueue {
  /**
   * Claims the oldest claimable run, skipping runs that wait behind an older
   * active run of the same curation (backfill runs neither wait nor block).
   */
  claimNextRun(request: LeaseRequest): Promise<ClaimedRun | undefined>;
  /** Claims one named run; undefined if it is terminal or someone holds a live lease on it. */
  claimRun(executionName: string, request: LeaseRequest): Promise<ClaimedRun | undefined>;
  /** Extends the leases `owner` holds on `executionNames`; returns the names still held. */
  renewLeases(owner: string, executionNames: readonly string[], leaseUntil: Date): Promise<string[]>;
  /** Gives a run up (after it ended, or to let another worker take it at once). */
  releaseLease(executionName: string, owner: string): Promise<void>;
  /** Active runs (queued or running, no terminal record) of the given curations, oldest first. */
  activeRuns(curationTypes: readonly string[]): Promise<RunState[]>;
  /**
   * Asks whoever executes the run to cancel it (any process): its worker aborts
   * it and it ends `cancelled`; a queued run is cancelled when claimed.
   */
  requestCancel(executionName: string, reason: string, now: Date): Promise<void>;
  /** The cancel requests among `executionNames`, name → reason. */
  cancelRequests(executionNames: readonly string[]): Promise<Map<string, string>>;
  /** Marks runs whose terminal record exists but whose status was left active as terminal; returns how many. */
  repairFinishedRuns(): Promise<number>;
}
