import { ConfigError } from '../../../domain/errors.js';

/** The three tables of one deployment (`{prefix}curationDetails`, `{prefix}curationHistory`, `{prefix}adpState`). */
export interface TableNames {
  /** The sample's definitions table: HASH `curationType`. */
  readonly curations: string;
  /** The sample's history table: HASH `curationType`, RANGE `timestamp` (N). */
  readonly history: string;
  /** adp's own single table (runs, leases, ticks, cursors, change log, outbox, incidents, workers, object attributes): `pk`, `sk`. */
  readonly state: string;
}

/** The history table's indexes. */
export const HISTORY_INDEX = {
  /** HASH curationExecutionName; KEYS_ONLY: getHistoryRecord of records the sample wrote. */
  byExecutionName: 'byExecutionName',
  /** HASH adpPartition (always `history`), RANGE adpTimeKey (`<16-digit ms>#<executionName>`): newest first across curations. */
  byTime: 'byTime',
  /** HASH curationType, RANGE scheduledTime; INCLUDE status: ticks a backfill already ran. */
  byScheduledTime: 'byScheduledTime',
} as const;

/** The state table's overloaded indexes (see each key builder for what goes in them). */
export const STATE_INDEX = {
  /** g1pk/g1sk: active runs (`ACTIVE`, createdAt#name) and outbox entries by state (`OUTBOX#<state>`, seq). */
  gsi1: 'gsi1',
  /** g2pk/g2sk: every outbox entry (`OUTBOX`, seq) and tick claims by claim time (`TICKS`, claimedAt#curation#tick). */
  gsi2: 'gsi2',
  /** g3pk/g3sk: outbox entries of one run (`OUTBOX-RUN#<executionName>`, seq). */
  gsi3: 'gsi3',
} as const;

/** The constant partition of the history table's `byTime` index. */
export const HISTORY_PARTITION = 'history';

const PREFIX = /^[A-Za-z0-9._-]{0,200}$/;

/**
 * The table names for `prefix` (e.g. `wildrydes-dev-`).
 *
 * @throws ConfigError when the prefix has characters DynamoDB table names cannot hold.
 */
export function tableNames(prefix: string): TableNames {
  if (!PREFIX.test(prefix)) {
    throw new ConfigError(`DynamoDB table prefix '${prefix}' may only hold A-Z a-z 0-9 . _ - (at most 200 characters), e.g. 'wildrydes-dev-'`);
  }
  return { curations: `${prefix}curationDetails`, history: `${prefix}curationHistory`, state: `${prefix}adpState` };
}

/** A number as 16 digits, so that strings sort as the numbers do (any safe integer ≥ 0 fits). */
export function pad(n: number): string {
  return String(n).padStart(16, '0');
}

/** Key of one item of the state table. */
export type StateKey = {
  readonly pk: string;
  readonly sk: string;
};

/** Where each kind of item lives in the state table. */
export const keys = {
  /**
   * A run: its state (`run`), its lease and the marker of its terminal record
   * (`finished`). A run that never had state (a start that could not begin)
   * has an item with the marker only.
   */
  run: (executionName: string): StateKey => ({ pk: `RUN#${executionName}`, sk: 'RUN' }),
  /** A cancel request of a run (kept apart, so asking to cancel an unknown run creates no run). */
  cancel: (executionName: string): StateKey => ({ pk: `RUN#${executionName}`, sk: 'CANCEL' }),
  /** A curation's start guard: its version orders enqueueRun decisions; `recent` names the runs it stored last. */
  startGuard: (curationType: string): StateKey => ({ pk: `START#${curationType}`, sk: 'GUARD' }),
  /** One claimed schedule tick. */
  tick: (curationType: string, scheduledTime: string): StateKey => ({ pk: `TICK#${curationType}`, sk: scheduledTime }),
  ticksOf: (curationType: string): string => `TICK#${curationType}`,
  /** A curation's schedule cursor (all in one partition, listed together). */
  cursor: (curationType: string): StateKey => ({ pk: 'CURSOR', sk: curationType }),
  /** One entry of the curation change log. */
  change: (seq: number): StateKey => ({ pk: 'CHANGE', sk: pad(seq) }),
  /** A sequence counter (`changes`, `outbox`). */
  counter: (name: 'changes' | 'outbox'): StateKey => ({ pk: 'COUNTER', sk: name }),
  /** One outbox entry. */
  outbox: (id: string): StateKey => ({ pk: `OUTBOX#${id}`, sk: 'ENTRY' }),
  /** The lease and retry hold of one destination+curation group. */
  outboxGroup: (destinationId: string, curationType: string): StateKey => ({
    pk: `OUTBOX-GROUP#${JSON.stringify([destinationId, curationType])}`,
    sk: 'GROUP',
  }),
  /** One open incident (all in one partition). */
  incident: (curationType: string, kind: string, subject: string): StateKey => ({ pk: 'INCIDENT', sk: `I#${curationType}#${kind}#${subject}` }),
  /** The version of a curation's incidents, bumped by every write to them (optimistic concurrency). */
  incidentVersion: (curationType: string): StateKey => ({ pk: 'INCIDENT', sk: `V#${curationType}` }),
  /** One slot of the global cap on live leases (LeaseRequest.maxActive); all in one partition, so repairs can list them. */
  leaseSlot: (slot: number): StateKey => ({ pk: 'SLOT', sk: pad(slot) }),
  /** One worker's heartbeat. */
  worker: (workerId: string): StateKey => ({ pk: 'WORKER', sk: workerId }),
  /** Metadata and tags of one object. */
  object: (bucket: string, key: string): StateKey => ({ pk: `OBJECT#${bucket}`, sk: key }),
};

/** The gsi1 partition of runs that are queued or running. */
export const ACTIVE_RUNS = 'ACTIVE';

/** The gsi2 partition of tick claims, ordered by claim time (pruning). */
export const TICK_CLAIMS = 'TICKS';

/** Attributes adp adds to the sample's items; stripped before a definition or record is returned. */
export const ADP_ATTRIBUTE = /^adp[A-Z]/;
