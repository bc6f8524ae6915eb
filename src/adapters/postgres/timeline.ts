import type { TerminalStatus } from '../../domain/history.js';
import {
  checkTimelineQuery,
  MINUTE_MS,
  sortCells,
  sortPoints,
  type Timeline,
  type TimelineCell,
  type TimelineQuery,
} from '../../domain/timeline.js';
import type { Sql } from './database.js';
import { runFilterSql } from './run-filters.js';

/**
 * Where a run is placed, the minute it is counted in and how many are placed
 * for want of a scheduled time. The window is always on the start
 * (started_minute leads the index of migration 5).
 */
const AXIS = {
  started: { at: 'started_ms', minute: 'started_minute', unscheduled: '0::int8' },
  scheduled: {
    at: 'coalesce(scheduled_ms, started_ms)',
    minute: '(coalesce(scheduled_ms, started_ms) / 60000)::bigint',
    unscheduled: 'count(*) FILTER (WHERE scheduled_ms IS NULL)',
  },
} as const;

/** WHERE text and values shared by the cell and point queries; the minute range lets PostgreSQL use the start index. */
function where(query: TimelineQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [Math.floor(query.from / MINUTE_MS), Math.floor(query.to / MINUTE_MS), query.from, query.to];
  const parts = ['started_minute BETWEEN $1 AND $2', 'started_ms BETWEEN $3 AND $4'];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (query.curationType !== undefined) {
    parts.push(`curation_type = ${param(query.curationType)}`);
    // A run ends after it starts: one curation's window is then a range of the primary key.
    parts.push(`"timestamp" >= ${param(query.from)}`);
  }
  parts.push(...runFilterSql(query, param));
  return { text: parts.join(' AND '), values };
}

/** The `history` timeline: counts grouped by minute, status and band in one statement, then the points when few enough. */
export async function readTimeline(sql: Sql, query: TimelineQuery): Promise<Timeline> {
  checkTimelineQuery(query);
  const w = where(query);
  const axis = AXIS[query.by];
  const cells = await sql.rows<TimelineCell>(
    `SELECT ${axis.minute} AS minute, status, duration_band::int AS band, count(*) AS count, ${axis.unscheduled} AS unscheduled,
            min(duration_ms) AS "minDurationMs", max(duration_ms) AS "maxDurationMs"
       FROM history WHERE ${w.text} GROUP BY 1, 2, 3`,
    w.values,
  );
  const total = cells.reduce((n, c) => n + c.count, 0);
  if (total > query.pointLimit) return { total, cells: sortCells(cells) };
  const rows = await sql.rows<{
    name: string;
    curationType: string;
    status: TerminalStatus;
    at: number;
    startedAt: number;
    scheduledMs: number | null;
    durationMs: number;
  }>(
    `SELECT execution_name AS name, curation_type AS "curationType", status, ${axis.at} AS at, started_ms AS "startedAt",
            scheduled_ms AS "scheduledMs", duration_ms AS "durationMs"
       FROM history WHERE ${w.text}`,
    w.values,
  );
  return { total, points: sortPoints(rows.map(({ scheduledMs, ...p }) => ({ ...p, scheduled: scheduledMs !== null }))) };
}
