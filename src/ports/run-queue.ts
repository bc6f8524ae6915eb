import type { RunState } from '../domain/run.js';
import type { OverlapPolicy } from '../domain/schedule-policy.js';

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

/** What {@link RunQueue.enqueueRun} did with a run. */
export type EnqueueOutcome =
  /** Stored, queued. `behind`: the active runs it waits for (oldest first); `cancelling`: those asked to cancel (overlap cancelRunning). */
  | { readonly queued: true; readonly behind: readonly string[]; readonly cancelling: readonly string[] }
  /** Not stored (overlap skip): `active` is the run of the curation still queued or running. */
  | { readonly queued: false; readonly active: RunState };

/**
 * Which worker executes which run. A run is claimable while it is queued or
 * running, has no terminal record, and nobody holds a live lease on it; a
 * worker that dies stops renewing, so its runs become claimable again.
 */
export interface RunQueue {
  /**
   * Claims the oldest claimable run, skipping runs that wait behind an older
   * active run of the same curation (backfill runs neither wait nor block).
   * A run with a cancel request waits for nobody (it still holds up the runs
   * after it): its claimant sees the request and ends it `cancelled` without
   * starting its query, so a queued run asked to cancel ends now, not once
   * the runs before it ended.
   */
  claimNextRun(request: LeaseRequest): Promise<ClaimedRun | undefined>;
  /**
   * Claims one named run; undefined if it is terminal, someone holds a live
   * lease on it, or it waits behind an older active run of its curation (the
   * rule of `claimNextRun`: a run with a cancel request waits for nobody).
   */
  claimRun(executionName: string, request: LeaseRequest): Promise<ClaimedRun | undefined>;
  /**
   * Stores a new queued `run` as its curation's `overlap` policy says, deciding
   * and storing in one atomic step, so that of two processes starting runs of
   * one curation at once exactly one sees the other: with active runs of the
   * curation (queued or running, no terminal record; backfill runs do not
   * count, nor does the policy apply to a backfill `run`), `skip` stores
   * nothing, `queue` stores it to wait behind them, `cancelRunning` stores it
   * and requests the cancellation of each (reason `reason`).
   */
  enqueueRun(run: RunState, overlap: OverlapPolicy, now: Date, reason: string): Promise<EnqueueOutcome>;
  /** Extends the leases `owner` holds on `executionNames`; returns the names still held. */
  renewLeases(owner: string, executionNames: readonly string[], leaseUntil: Date): Promise<string[]>;
  /** Gives a run up (after it ended, or to let another worker take it at once). */
  releaseLease(executionName: string, owner: string): Promise<void>;
  /** Active runs (queued or running, no terminal record) of the given curations, oldest first. */
  activeRuns(curationTypes: readonly string[]): Promise<RunState[]>;
  /**
   * Asks whoever executes the run to cancel it (any process): its worker aborts
   * it and it ends `cancelled`; a queued run is cancelled when claimed, which
   * it may be at once, even behind an older active run of its curation.
   */
  requestCancel(executionName: string, reason: string, now: Date): Promise<void>;
  /** The cancel requests among `executionNames`, name → reason. */
  cancelRequests(executionNames: readonly string[]): Promise<Map<string, string>>;
  /** Marks runs whose terminal record exists but whose status was left active as terminal; returns how many. */
  repairFinishedRuns(): Promise<number>;
}
