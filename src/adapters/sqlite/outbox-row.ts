import type { DestinationRef, OutboxDraft, OutboxEntry, OutboxState } from '../../domain/notify/outbox.js';

/** An `outbox` row as SQLite returns it. */
export interface OutboxRow {
  seq: number;
  id: string;
  destination_id: string;
  destination_type: string;
  curation_type: string;
  execution_name: string | null;
  event: string;
  payload: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: number | null;
}

/** The values of one INSERT, in column order: the destination's id and type only, never its settings. */
export function draftValues(draft: OutboxDraft, now: string): [string, string, string, string, string | null, string, string, string, string] {
  return [
    draft.id,
    draft.destination.id,
    draft.destination.type,
    draft.curationType,
    draft.executionName ?? null,
    draft.event,
    JSON.stringify(draft.payload),
    now,
    now,
  ];
}

export function entryFromRow(row: OutboxRow): OutboxEntry {
  // New entries are due at once (next_attempt_at 0): show their creation time instead.
  const entry = {
    seq: row.seq,
    id: row.id,
    destination: { id: row.destination_id, type: row.destination_type as DestinationRef['type'] },
    curationType: row.curation_type,
    executionName: row.execution_name ?? undefined,
    event: row.event,
    payload: JSON.parse(row.payload),
    state: row.state as OutboxState,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    nextAttemptAt: row.next_attempt_at > 0 ? new Date(row.next_attempt_at).toISOString() : row.created_at,
    deliveredAt: row.delivered_at === null ? undefined : new Date(row.delivered_at).toISOString(),
    lastError: row.last_error ?? undefined,
  } as OutboxEntry;
  for (const key of ['executionName', 'deliveredAt', 'lastError'] as const) {
    if (entry[key] === undefined) delete (entry as Partial<Record<string, unknown>>)[key];
  }
  return entry;
}
