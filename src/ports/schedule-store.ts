import type { RunAlertPlanner } from '../domain/notify/incidents.js';
import type { HistoryRecord } from '../domain/history.js';
import type { RunState } from '../domain/run.js';

/** One scheduled tick of one curation: the unit a scheduler claims exactly once. */
export interface TickClaim {
  readonly curationType: string;
  /** The tick's instant (ISO-8601 UTC, as `Date.toISOString()` writes it). */
  readonly scheduledTime: string;
  /** The claiming worker, for the record. */
  readonly claimedBy: string;
  readonly claimedAt: string;
  /** When the claim wins, exactly one of these is stored in the same transaction. */
  readonly outcome: { readonly run: RunState } | { readonly skipped: HistoryRecord };
}

/** Where a curation's schedule has got to: every tick at or before `lastTick` was claimed or deliberately passed over. */
export interface ScheduleCursor {
  readonly curationType: string;
  readonly lastTick: string;
}

/** Definition changes since a sequence number, for schedulers that follow the curation list without reloading it. */
export interface CurationChanges {
  /** The sequence number to ask from next time. */
  readonly seq: number;
  /** Curations put or removed since; `'all'` when the change log no longer reaches back that far (reload everything). */
  readonly curationTypes: readonly string[] | 'all';
}

/** Every `scheduledTime` of one curation's runs within a range, by how they stand. */
export interface ScheduledRuns {
  /** Ticks with a succeeded history record. */
  readonly succeeded: ReadonlySet<string>;
  /** Runs with a `scheduledTime` in range that have no history record yet (queued or in flight). */
  readonly active: readonly RunState[];
}

/**
 * Durable schedule state: tick claims, cursors and the curation change log.
 * Several scheduler processes may share one store; a tick is run at most once
 * because its claim is unique and cursors only move forward.
 */
export interface ScheduleStore {
  /**
   * Claims ticks, each with its run (or its `skipped` record), in one
   * transaction; returns per claim whether it won. A claim loses when its tick
   * was claimed before, or is at or before the curation's cursor (a tick
   * someone already passed); a winning claim moves the cursor to its tick.
   * Claims of one curation must come in ascending order. With `alerts`, a
   * `skipped` record gets its outbox entries in the same transaction, as
   * `StateStore.finishRun` gives a run's record.
   */
  claimTicks(claims: readonly TickClaim[], alerts?: RunAlertPlanner): Promise<boolean[]>;
  /** Moves a cursor forward (never back): ticks up to `lastTick` will not be claimed. */
  advanceCursor(curationType: string, lastTick: string): Promise<void>;
  /** The cursors of every curation that has one. */
  listCursors(): Promise<ScheduleCursor[]>;
  /** Curations put or deleted after `afterSeq` (0: since the beginning; see {@link CurationChanges}). */
  curationChanges(afterSeq: number): Promise<CurationChanges>;
  /** Runs of `curationType` with a scheduledTime in [fromIso, toIso], for backfills that resume. */
  scheduledRuns(curationType: string, fromIso: string, toIso: string): Promise<ScheduledRuns>;
  /** Forgets tick claims made before `beforeIso` and old change-log entries; returns how many rows went. */
  pruneSchedule(beforeIso: string): Promise<number>;
}
