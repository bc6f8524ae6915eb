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
import { containsPattern } from '../sql/timeline-sql.js';
import type { SqliteDatabase } from './connection.js';

/** Where a run is placed; the window is always on the start (started_minute leads the index of migration 5). */
const AXIS = { started: 'started_ms', scheduled: 'coalesce(scheduled_ms, started_ms)' } as const;

interface CellRow {
  minute: number;
  status: TerminalStatus;
  band: number;
  count: number;
  unscheduled: number;
  lo: number;
  hi: number;
}

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
  if (query.statuses !== undefined) {
    parts.push(query.statuses.length === 0 ? '0' : `status IN (${query.statuses.map(() => '?').join(', ')})`);
    params.push(...query.statuses);
  }
  if (query.search) {
    parts.push("(curation_type LIKE ? ESCAPE '\\' OR execution_name LIKE ? ESCAPE '\\')");
    params.push(containsPattern(query.search), containsPattern(query.search));
  }
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
    const at = AXIS[query.by];
    // By start, the groups follow the index order (no sort), and no run is placed for want of a scheduled time.
    const cells = this.#all<CellRow>(
      query.by === 'started'
        ? `SELECT started_minute AS minute, status, duration_band AS band, count(*) AS count, 0 AS unscheduled,
                  min(duration_ms) AS lo, max(duration_ms) AS hi
             FROM history WHERE ${w.sql} GROUP BY started_minute, status, duration_band`
        : `SELECT ${at} / 60000 AS minute, status, duration_band AS band, count(*) AS count, sum(scheduled_ms IS NULL) AS unscheduled,
                  min(duration_ms) AS lo, max(duration_ms) AS hi
             FROM history WHERE ${w.sql} GROUP BY ${at} / 60000, status, duration_band`,
      w.params,
    );
    const total = cells.reduce((n, c) => n + c.count, 0);
    if (total > query.pointLimit) return { total, cells: sortCells(cells.map(cellOf)) };
    const rows = this.#all<PointRow>(
      `SELECT execution_name AS name, curation_type AS curationType, status, ${at} AS at, started_ms AS startedMs,
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

function cellOf(r: CellRow): TimelineCell {
  return { minute: r.minute, status: r.status, band: r.band, count: r.count, unscheduled: r.unscheduled, minDurationMs: r.lo, maxDurationMs: r.hi };
}

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
