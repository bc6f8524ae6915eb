import type { OutboxDraft, OutboxEntry, OutboxState } from '../../domain/notify/outbox.js';

/** The columns every outbox read returns. */
export const OUTBOX_COLUMNS =
  'seq, id, destination_id, destination_type, curation_type, execution_name, event, payload, state, attempts, next_attempt_at, last_error, created_at, updated_at, delivered_at';

/** An `outbox` row as pg returns it (jsonb parsed, bigint as number, timestamptz as Date). */
export interface OutboxRow {
  seq: number;
  id: string;
  destination_id: string;
  destination_type: OutboxDraft['destination']['type'];
  curation_type: string;
  execution_name: string | null;
  event: string;
  payload: unknown;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: number | null;
}

/** One draft as a jsonb_to_recordset element of the enqueue statement: the destination's id and type only, never its settings. */
export function draftDocument(draft: OutboxDraft): Record<string, unknown> {
  return {
    id: draft.id,
    destination_id: draft.destination.id,
    destination_type: draft.destination.type,
    curation_type: draft.curationType,
    execution_name: draft.executionName ?? null,
    event: draft.event,
    payload: draft.payload,
  };
}

/** The entry with absent fields left out (not undefined). */
export function entryFromRow(row: OutboxRow): OutboxEntry {
  const createdAt = row.created_at.toISOString();
  const entry = {
    seq: row.seq,
    id: row.id,
    destination: { id: row.destination_id, type: row.destination_type },
    curationType: row.curation_type,
    event: row.event,
    payload: row.payload,
    state: row.state as OutboxState,
    attempts: row.attempts,
    createdAt,
    updatedAt: row.updated_at.toISOString(),
    // New entries are due at once (next_attempt_at 0): show their creation time instead.
    nextAttemptAt: row.next_attempt_at > 0 ? new Date(row.next_attempt_at).toISOString() : createdAt,
  } as Record<string, unknown>;
  if (row.execution_name !== null) entry.executionName = row.execution_name;
  if (row.delivered_at !== null) entry.deliveredAt = new Date(row.delivered_at).toISOString();
  if (row.last_error !== null) entry.lastError = row.last_error;
  return entry as OutboxEntry;
}
