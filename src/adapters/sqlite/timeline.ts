import type { TerminalStatus } from '../../domain/history.js';
import {
  checkTimelineQuery,
  MINUTE_MS,
  sortCells,
  sortPoints,
  type Timeline,
  type TimelineCell,
  type TimelinePoint,
  type TimelineQuery,
} from '../../domain/timeline.js';
import type { SqliteDatabase } from './connection.js';
import { runFilterSql } from './run-filters.js';

/**
 * Where a run is placed, the minute it is counted in and how many are placed
 * for want of a scheduled time. The window is always on the start
 * (started_minute leads the index of migration 5), so by start the groups
 * follow the index order and need no sort.
 */
const AXIS = {
  started: { at: 'started_ms', minute: 'started_minute', unscheduled: '0' },
  scheduled: { at: 'coalesce(scheduled_ms, started_ms)', minute: 'coalesce(scheduled_ms, started_ms) / 60000', unscheduled: 'sum(scheduled_ms IS NULL)' },
} as const;

interface PointRow {
  name: string;
  curationType: string;
  status: TerminalStatus;
  at: number;
  startedMs: number;
  scheduledMs: number | null;
  durationMs: number;
}

/** WHERE text and values shared by the cell and point queries; the minute range lets SQLite seek the start index. */
function where(query: TimelineQuery): { sql: string; params: (string | number)[] } {
  const parts = ['started_minute BETWEEN ? AND ?', 'started_ms BETWEEN ? AND ?'];
  const params: (string | number)[] = [Math.floor(query.from / MINUTE_MS), Math.floor(query.to / MINUTE_MS), query.from, query.to];
  if (query.curationType !== undefined) {
    parts.push('curation_type = ?');
    params.push(query.curationType);
    // A run ends after it starts: one curation's window is then a range of the primary key.
    parts.push('timestamp >= ?');
    params.push(query.from);
  }
  const filters = runFilterSql(query);
  parts.push(...filters.parts);
  params.push(...filters.params);
  return { sql: parts.join(' AND '), params };
}

/**
 * The `history` timeline: one pass over the axis index grouping by minute,
 * status and band in index order (no sort), then the points themselves when
 * few enough. Statements are prepared once per filter shape.
 */
export class HistoryTimeline {
  readonly #db: SqliteDatabase;
  readonly #statements = new Map<string, Statement>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  read(query: TimelineQuery): Timeline {
    checkTimelineQuery(query);
    const w = where(query);
    const axis = AXIS[query.by];
    const cells = this.#all<TimelineCell>(
      `SELECT ${axis.minute} AS minute, status, duration_band AS band, count(*) AS count, ${axis.unscheduled} AS unscheduled,
              min(duration_ms) AS minDurationMs, max(duration_ms) AS maxDurationMs
         FROM history WHERE ${w.sql} GROUP BY ${axis.minute}, status, duration_band`,
      w.params,
    );
    const total = cells.reduce((n, c) => n + c.count, 0);
    if (total > query.pointLimit) return { total, cells: sortCells(cells) };
    const rows = this.#all<PointRow>(
      `SELECT execution_name AS name, curation_type AS curationType, status, ${axis.at} AS at, started_ms AS startedMs,
              scheduled_ms AS scheduledMs, duration_ms AS durationMs
         FROM history WHERE ${w.sql}`,
      w.params,
    );
    return { total, points: sortPoints(rows.map(pointOf)) };
  }

  #all<R>(sql: string, params: (string | number)[]): R[] {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = prepare(this.#db, sql);
      this.#statements.set(sql, statement);
    }
    return statement.all(...params) as R[];
  }
}

function prepare(db: SqliteDatabase, sql: string) {
  return db.prepare<(string | number)[], unknown>(sql);
}
type Statement = ReturnType<typeof prepare>;

function pointOf(r: PointRow): TimelinePoint {
  return {
    name: r.name,
    curationType: r.curationType,
    status: r.status,
    at: r.at,
    startedAt: r.startedMs,
    durationMs: r.durationMs,
    scheduled: r.scheduledMs !== null,
  };
}
