import { ValidationError } from '../../domain/errors.js';
import type { HistoryRecord } from '../../domain/history.js';
import type { HistoryPage, HistoryQuery } from '../../ports/state-store.js';
import type { SqliteDatabase } from './connection.js';
import { encodeCursor } from '../../domain/history-page.js';
import { buildHistoryQuery } from './history-query.js';
import { recordFromItem } from '../../domain/history-item.js';
import { durationBand, MINUTE_MS, timelineRowOf } from '../../domain/timeline.js';

interface RecordRow {
  record: string;
}

/** The `history` table: one terminal record per run, keyed (curationType, timestamp). */
export class HistoryTable {
  readonly #db: SqliteDatabase;
  readonly #byName;
  readonly #taken;
  readonly #insert;
  readonly #markRun;
  readonly #finish;
  // One prepared statement per filter combination (a few dozen at most).
  readonly #pages = new Map<string, PageStatement>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#byName = db.prepare<[string], RecordRow>('SELECT record FROM history WHERE execution_name = ?');
    this.#taken = db.prepare<[string, number], { one: number }>(
      'SELECT 1 AS one FROM history WHERE curation_type = ? AND timestamp = ?',
    );
    this.#insert = db.prepare<[string, number, string, string, string, number, number, number | null, number, number]>(
      `INSERT INTO history (curation_type, timestamp, execution_name, status, record, started_ms, started_minute, scheduled_ms, duration_ms, duration_band)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#markRun = db.prepare<[string, string, string]>('UPDATE runs SET status = ?, updated_at = ? WHERE execution_name = ?');
    this.#finish = db.transaction((record: HistoryRecord, now: string, onInserted?: (stored: HistoryRecord) => void) =>
      this.#finishInTransaction(record, now, onInserted),
    );
  }

  /**
   * Stores the run's terminal record and marks its run (if any) with the
   * record's status in one IMMEDIATE transaction: the first writer wins, and a
   * repeated call returns the record stored first. `onInserted` runs inside
   * the transaction, only for a new record, so what it writes commits (or
   * rolls back) with the record.
   */
  finish(record: HistoryRecord, now: string, onInserted?: (stored: HistoryRecord) => void): HistoryRecord {
    if (!Number.isSafeInteger(record.timestamp)) {
      throw new ValidationError([{ path: 'timestamp', message: 'must be epoch milliseconds (an integer)' }], 'history record');
    }
    return this.#finish.immediate(record, now, onInserted);
  }

  get(executionName: string): HistoryRecord | undefined {
    const row = this.#byName.get(executionName);
    return row && parseRecord(row);
  }

  /** Newest first (timestamp, then executionName, descending); `nextCursor` only when more rows exist. */
  list(query: HistoryQuery): HistoryPage {
    const { sql, params } = buildHistoryQuery(query);
    let statement = this.#pages.get(sql);
    if (!statement) {
      statement = preparePage(this.#db, sql);
      this.#pages.set(sql, statement);
    }
    const rows = statement.all(...params);
    const records = rows.slice(0, query.limit).map(parseRecord);
    const last = records.at(-1);
    if (rows.length <= query.limit || !last) return { records };
    return { records, nextCursor: encodeCursor({ timestamp: last.timestamp, executionName: last.curationExecutionName }) };
  }

  #finishInTransaction(record: HistoryRecord, now: string, onInserted?: (stored: HistoryRecord) => void): HistoryRecord {
    const existing = this.#byName.get(record.curationExecutionName);
    if (existing) return parseRecord(existing);
    let timestamp = record.timestamp;
    while (this.#taken.get(record.curationType, timestamp)) timestamp += 1;
    const json = JSON.stringify({ ...record, timestamp });
    const row = timelineRowOf(record);
    this.#insert.run(
      record.curationType,
      timestamp,
      record.curationExecutionName,
      record.status,
      json,
      row.startedMs,
      Math.floor(row.startedMs / MINUTE_MS),
      row.scheduledMs ?? null,
      row.durationMs,
      durationBand(row.durationMs),
    );
    this.#markRun.run(record.status, now, record.curationExecutionName);
    // Returned as parsed from storage, so it equals what every later read returns.
    const stored = recordFromItem(JSON.parse(json));
    onInserted?.(stored);
    return stored;
  }
}

function preparePage(db: SqliteDatabase, sql: string) {
  return db.prepare<(string | number)[], RecordRow>(sql);
}
type PageStatement = ReturnType<typeof preparePage>;

function parseRecord(row: RecordRow): HistoryRecord {
  return recordFromItem(JSON.parse(row.record));
}
