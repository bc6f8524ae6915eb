import type { AlertPlan, Incident, IncidentPlanner } from '../domain/notify/incidents.js';
import type { OutboxEntry, OutboxState } from '../domain/notify/outbox.js';

/** What {@link OutboxStore.claimOutbox} takes. */
export interface ClaimRequest {
  /** The claiming dispatcher; its claims expire after `leaseMs`. */
  readonly owner: string;
  readonly limit: number;
  readonly leaseMs: number;
  readonly now: Date;
}

/** How one claimed entry ended; `release` gives it back untried (its attempt does not count). */
export type OutboxOutcome =
  | { readonly id: string; readonly outcome: 'delivered' }
  | { readonly id: string; readonly outcome: 'retry'; readonly nextAttemptAt: Date; readonly error: string }
  | { readonly id: string; readonly outcome: 'dead'; readonly error: string }
  | { readonly id: string; readonly outcome: 'release' };

export interface OutboxQuery {
  readonly state?: OutboxState;
  readonly curationType?: string;
  readonly executionName?: string;
  readonly destinationId?: string;
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface OutboxPage {
  /** Newest first. */
  readonly entries: OutboxEntry[];
  readonly nextCursor?: string;
}

export type OutboxCounts = Readonly<Record<OutboxState, number>>;

/**
 * The transactional outbox: entries are written in the same transaction as
 * the history record they come from (`StateStore.finishRun` with a planner),
 * then claimed, delivered and settled by dispatchers. Entries of one
 * destination and curation are claimed in order and by one dispatcher at a
 * time; a claim expires, so a crashed dispatcher's entries are delivered
 * again (with the same ids).
 */
export interface OutboxStore {
  /**
   * Runs `planner` over every open incident and applies its plan (entries
   * enqueued, incidents written or closed) in one transaction. Returns the plan.
   */
  applyAlerts(planner: IncidentPlanner): Promise<AlertPlan>;
  /** Open incidents, oldest first; only one curation's when given. */
  listIncidents(curationType?: string): Promise<Incident[]>;

  /**
   * Claims up to `limit` due pending entries, oldest first, skipping every
   * destination+curation group that another claim holds or that waits for a
   * retry. Each claimed entry's `attempts` grows by one.
   */
  claimOutbox(request: ClaimRequest): Promise<OutboxEntry[]>;
  /**
   * Records how claimed entries ended and releases their groups; a `retry`
   * also holds back the rest of its group until `nextAttemptAt`. Entries
   * already delivered stay delivered.
   */
  settleOutbox(owner: string, outcomes: readonly OutboxOutcome[], now: Date): Promise<void>;
  listOutbox(query: OutboxQuery): Promise<OutboxPage>;
  getOutboxEntry(id: string): Promise<OutboxEntry | undefined>;
  countOutbox(filter?: { readonly executionName?: string }): Promise<OutboxCounts>;
  /** Dead entries (all, or those in `ids`) become pending again with no attempts; returns how many. */
  retryDeadLetters(now: Date, ids?: readonly string[]): Promise<number>;
  /** Removes entries delivered before `before`; returns how many. */
  pruneOutbox(before: Date): Promise<number>;
}
