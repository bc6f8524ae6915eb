import { TransientError, ValidationError } from '../../domain/errors.js';
import type { HistoryRecord } from '../../domain/history.js';
import type { HistoryPage, HistoryQuery } from '../../ports/state-store.js';
import type { Sql } from './database.js';
import { encodeCursor } from '../../domain/history-page.js';
import { buildHistoryQuery } from './history-query.js';
import { json } from './values.js';
import { recordFromItem } from '../../domain/history-item.js';

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
  const scheduled = record.scheduledTime === undefined ? NaN : Date.parse(record.scheduledTime);
  let timestamp = record.timestamp;
  for (let i = 0; i < MAX_COLLISIONS; i++) {
    // Any unique key refuses the insert: the run's name (finished already) or the timestamp (taken).
    const inserted = await tx.one<{ record: HistoryRecord }>(
      `INSERT INTO history (curation_type, "timestamp", execution_name, status, scheduled_time, record) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING record`,
      [
        record.curationType,
        timestamp,
        record.curationExecutionName,
        record.status,
        Number.isNaN(scheduled) ? null : new Date(scheduled).toISOString(),
        json({ ...record, timestamp }),
      ],
    );
    if (inserted) {
      await tx.run('UPDATE runs SET status = $1, updated_at = $2 WHERE execution_name = $3', [record.status, now, record.curationExecutionName]);
      // Returned as parsed from storage, so it equals what every later read returns.
      const stored = recordFromItem(inserted.record);
      await hook?.write(stored);
      return stored;
    }
    const first = await getRecord(tx, record.curationExecutionName);
    if (first) return first;
    timestamp = (await tx.one<{ t: number }>(FIRST_FREE, [record.curationType, timestamp]))!.t;
  }
  throw new TransientError(`could not find a free timestamp for a ${record.curationType} history record after ${MAX_COLLISIONS} tries; retry`);
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
