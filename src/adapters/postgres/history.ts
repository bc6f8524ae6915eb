import { TransientError, ValidationError } from '../../domain/errors.js';
import type { HistoryRecord } from '../../domain/history.js';
import type { HistoryPage, HistoryQuery } from '../../ports/state-store.js';
import type { Sql } from './database.js';
import { encodeCursor } from '../../domain/history-page.js';
import { buildHistoryQuery } from './history-query.js';
import { json } from './values.js';
import { recordFromItem } from '../../domain/history-item.js';
import { durationBand, MINUTE_MS, timelineRowOf } from '../../domain/timeline.js';

/** What {@link finishRecord} does for alerts: `lock` before the record is written, `write` after, for a new record only. */
export interface RecordHook {
  /** Takes the locks the alert writes need, before any row lock of the record (one lock order for every writer). */
  lock(curationType: string): Promise<void>;
  write(stored: HistoryRecord): Promise<void>;
}

/** Collisions in a row after which finishRecord gives up (someone keeps taking the next free millisecond). */
const MAX_COLLISIONS = 100;

// The first free millisecond at or after $2 for curation $1: $2 itself, or the end of the run of taken ones.
const FIRST_FREE = `
SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM history WHERE curation_type = $1 AND "timestamp" = $2) THEN $2::bigint
  ELSE (SELECT h."timestamp" + 1 FROM history h
        WHERE h.curation_type = $1 AND h."timestamp" >= $2
          AND NOT EXISTS (SELECT 1 FROM history n WHERE n.curation_type = $1 AND n."timestamp" = h."timestamp" + 1)
        ORDER BY h."timestamp" LIMIT 1) END AS t`;

/**
 * Stores the run's one terminal record in the `history` table and marks its
 * run (if any) with the record's status; run it inside a transaction. The
 * first writer wins: a repeated or concurrent call returns the record stored
 * first. A timestamp another record of the curation holds moves forward 1 ms
 * until free.
 *
 * @throws ValidationError when the timestamp is not an integer.
 */
export async function finishRecord(tx: Sql, record: HistoryRecord, now: string, hook?: RecordHook): Promise<HistoryRecord> {
  if (!Number.isSafeInteger(record.timestamp)) {
    throw new ValidationError([{ path: 'timestamp', message: 'must be epoch milliseconds (an integer)' }], 'history record');
  }
  await hook?.lock(record.curationType);
  let timestamp = record.timestamp;
  for (let i = 0; i < MAX_COLLISIONS; i++) {
    const stored = await insertRecord(tx, record, timestamp, now);
    if (stored) {
      await hook?.write(stored);
      return stored;
    }
    const first = await getRecord(tx, record.curationExecutionName);
    if (first) return first;
    timestamp = (await tx.one<{ t: number }>(FIRST_FREE, [record.curationType, timestamp]))!.t;
  }
  throw new TransientError(`could not find a free timestamp for a ${record.curationType} history record after ${MAX_COLLISIONS} tries; retry`);
}

// Any unique key refuses the insert: the run's name (finished already) or the timestamp (taken). The run (if any) takes the record's status.
const INSERT_RECORD = `WITH inserted AS (
  INSERT INTO history (curation_type, "timestamp", execution_name, status, scheduled_time, record, started_ms, started_minute, scheduled_ms, duration_ms, duration_band)
  VALUES ($1, $2, $3, $4, $5, $6, $8, $9, $10, $11, $12)
  ON CONFLICT DO NOTHING RETURNING execution_name, status, record),
marked AS (UPDATE runs r SET status = i.status, updated_at = $7 FROM inserted i WHERE r.execution_name = i.execution_name)
SELECT record FROM inserted`;

/**
 * Stores the record at `timestamp` and marks its run, in one statement;
 * undefined (and nothing written) when a unique key refuses it. Returned as
 * parsed from storage, so it equals what every later read returns.
 */
export async function insertRecord(sql: Sql, record: HistoryRecord, timestamp: number, now: string): Promise<HistoryRecord | undefined> {
  if (!Number.isSafeInteger(timestamp)) {
    throw new ValidationError([{ path: 'timestamp', message: 'must be epoch milliseconds (an integer)' }], 'history record');
  }
  const row = timelineRowOf(record);
  const inserted = await sql.one<{ record: HistoryRecord }>(INSERT_RECORD, [
    record.curationType,
    timestamp,
    record.curationExecutionName,
    record.status,
    row.scheduledMs === undefined ? null : new Date(row.scheduledMs).toISOString(),
    json({ ...record, timestamp }),
    now,
    row.startedMs,
    Math.floor(row.startedMs / MINUTE_MS),
    row.scheduledMs ?? null,
    row.durationMs,
    durationBand(row.durationMs),
  ]);
  return inserted && recordFromItem(inserted.record);
}

/** The record of one run, or undefined. */
export async function getRecord(sql: Sql, executionName: string): Promise<HistoryRecord | undefined> {
  const row = await sql.one<{ record: HistoryRecord }>('SELECT record FROM history WHERE execution_name = $1', [executionName]);
  return row && recordFromItem(row.record);
}

/** Newest first (timestamp, then executionName, descending); `nextCursor` only when more rows exist. */
export async function listRecords(sql: Sql, query: HistoryQuery): Promise<HistoryPage> {
  const { text, values } = buildHistoryQuery(query);
  const rows = await sql.rows<{ record: HistoryRecord }>(text, values);
  const records = rows.slice(0, query.limit).map((r) => recordFromItem(r.record));
  const last = records.at(-1);
  if (rows.length <= query.limit || !last) return { records };
  return { records, nextCursor: encodeCursor({ timestamp: last.timestamp, executionName: last.curationExecutionName }) };
}
