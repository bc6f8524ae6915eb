import type { CurationDefinition } from '../domain/curation.js';
import type { HistoryRecord, TerminalStatus } from '../domain/history.js';
import type { RunState } from '../domain/run.js';
import type { RunAlertPlanner } from '../domain/notify/incidents.js';
import type { Timeline, TimelineQuery } from '../domain/timeline.js';

export interface StoredCuration {
  readonly definition: CurationDefinition;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Increases on every put; lets schedulers notice changes cheaply. */
  readonly version: number;
}

export interface HistoryQuery {
  readonly curationType?: string;
  /** Only these statuses (all when absent). */
  readonly statuses?: readonly TerminalStatus[];
  /** A piece of the curation's or the run's name; ASCII letters match either case (as the timeline's search). */
  readonly search?: string;
  /** Epoch ms, inclusive bounds on `timestamp`. */
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface HistoryPage {
  readonly records: HistoryRecord[];
  readonly nextCursor?: string;
}

export interface ObjectAttributes {
  readonly metadata: Record<string, string>;
  readonly tags: Record<string, string>;
}

/** Curations, in-flight runs and history (SQLite locally, PostgreSQL for teams, DynamoDB on AWS). */
export interface StateStore {
  putCuration(definition: CurationDefinition): Promise<StoredCuration>;
  getCuration(curationType: string): Promise<StoredCuration | undefined>;
  listCurations(): Promise<StoredCuration[]>;
  /** True if it existed. */
  deleteCuration(curationType: string): Promise<boolean>;

  createRun(run: RunState): Promise<void>;
  /** Replaces the stored run (same executionName). Throws NotFoundError if absent. */
  saveRun(run: RunState): Promise<void>;
  getRun(executionName: string): Promise<RunState | undefined>;
  /** Runs not yet terminal, oldest first. */
  listActiveRuns(): Promise<RunState[]>;

  /**
   * Writes the run's one terminal history record and marks the run terminal,
   * atomically. A second call for the same run returns the first record
   * unchanged (exactly one terminal record per run). If another record of the
   * same curation has the same timestamp, the timestamp moves forward by 1 ms.
   * When the record is new and `alerts` is given, the store calls it with the
   * stored record and the curation's open incidents, and writes its plan
   * (outbox entries, incident changes) in the same transaction.
   */
  finishRun(record: HistoryRecord, alerts?: RunAlertPlanner): Promise<HistoryRecord>;
  /** Newest first. */
  listHistory(query: HistoryQuery): Promise<HistoryPage>;
  getHistoryRecord(executionName: string): Promise<HistoryRecord | undefined>;
  /**
   * The records of a window as the timeline draws them: each run when there
   * are at most `pointLimit`, else counts per minute, status and duration
   * band, grouped by the store so the answer stays small for any number of
   * records (see `timelineOf` in domain/timeline.ts for the exact result).
   *
   * @throws ValidationError for bad bounds, span or limit.
   */
  historyTimeline(query: TimelineQuery): Promise<Timeline>;

  /** Metadata and tags of objects in a store that cannot keep them itself (local files). */
  putObjectAttributes(bucket: string, key: string, attributes: ObjectAttributes): Promise<void>;
  getObjectAttributes(bucket: string, key: string): Promise<ObjectAttributes | undefined>;
  deleteObjectAttributes(bucket: string, key: string): Promise<void>;

  close(): Promise<void>;
}
