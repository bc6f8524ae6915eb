import { ValidationError, type FieldIssue } from './errors.js';
import type { HistoryRecord, TerminalStatus } from './history.js';

/** What places a run on the timeline: when it started, or the time it was scheduled for (a run without one sits at its start). */
export const TIME_AXES = ['started', 'scheduled'] as const;
export type TimeAxis = (typeof TIME_AXES)[number];

export const MINUTE_MS = 60_000;

/**
 * Duration bands of the timeline, by decade: band i holds durations with i
 * of these thresholds at or below them (band 0: under 10 ms, band 7: 10,000 s
 * and more). Stores group by band in SQL, and their indexes hold the same
 * CASE, so a change here is a schema migration.
 */
export const DURATION_BAND_THRESHOLDS_MS: readonly number[] = [10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

export function durationBand(durationMs: number): number {
  let band = 0;
  while (band < DURATION_BAND_THRESHOLDS_MS.length && durationMs >= DURATION_BAND_THRESHOLDS_MS[band]!) band++;
  return band;
}

/**
 * The runs that started in one window (inclusive bounds, epoch ms), each
 * placed on the axis `by`: with `scheduled`, a backfill run today of the last
 * 30 days lands on its 30 days.
 */
export interface TimelineQuery {
  readonly from: number;
  readonly to: number;
  readonly by: TimeAxis;
  readonly curationType?: string;
  /** Only these statuses (all when absent). */
  readonly statuses?: readonly TerminalStatus[];
  /** A piece of the curation's or the run's name; ASCII letters match either case. */
  readonly search?: string;
  /** Up to this many runs come back one by one (points); more come back as cells. */
  readonly pointLimit: number;
}

/** One run, as little as the timeline draws. */
export interface TimelinePoint {
  readonly name: string;
  readonly curationType: string;
  readonly status: TerminalStatus;
  /** Where it sits on the axis (epoch ms). */
  readonly at: number;
  readonly startedAt: number;
  readonly durationMs: number;
  /** False for a run started by hand (no scheduled time). */
  readonly scheduled: boolean;
}

/** The runs of one minute (on the axis), status and duration band. */
export interface TimelineCell {
  /** Epoch minute: floor(at / 60,000). */
  readonly minute: number;
  readonly status: TerminalStatus;
  readonly band: number;
  readonly count: number;
  /** Of `count`, the runs placed at their start for want of a scheduled time: by scheduled time only (0 by start). */
  readonly unscheduled: number;
  readonly minDurationMs: number;
  readonly maxDurationMs: number;
}

/**
 * A window's runs: every run as a point when there are at most `pointLimit`,
 * otherwise cells (minute × status × band), sorted by minute, status, band.
 * Points are sorted by `at`, then name.
 */
export type Timeline =
  | { readonly total: number; readonly points: readonly TimelinePoint[] }
  | { readonly total: number; readonly cells: readonly TimelineCell[] };

/** What a store keeps of a record for the timeline. */
export interface TimelineRow {
  readonly executionName: string;
  readonly curationType: string;
  readonly status: TerminalStatus;
  readonly startedMs: number;
  readonly scheduledMs?: number;
  readonly durationMs: number;
}

export function timelineRowOf(record: HistoryRecord): TimelineRow {
  const scheduledMs = record.scheduledTime === undefined ? NaN : Date.parse(record.scheduledTime);
  const durationMs = Number.isFinite(record.durationMs) ? Math.max(0, Math.round(record.durationMs)) : 0;
  const startedMs = Date.parse(record.startedAt);
  return {
    executionName: record.curationExecutionName,
    curationType: record.curationType,
    status: record.status,
    startedMs: Number.isFinite(startedMs) ? startedMs : record.timestamp - durationMs,
    ...(Number.isFinite(scheduledMs) ? { scheduledMs } : {}),
    durationMs,
  };
}

export function placedAt(row: TimelineRow, by: TimeAxis): number {
  return by === 'scheduled' && row.scheduledMs !== undefined ? row.scheduledMs : row.startedMs;
}

/** Lower-cases ASCII letters only, as SQL's LIKE compares them. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Whether a run's curation or execution name holds `search` (ASCII letters in either case); an empty search holds everywhere. */
export function nameMatches(curationType: string, executionName: string, search: string | undefined): boolean {
  if (!search) return true;
  const needle = asciiLower(search);
  return asciiLower(curationType).includes(needle) || asciiLower(executionName).includes(needle);
}

export function matchesTimeline(row: TimelineRow, query: TimelineQuery): boolean {
  if (row.startedMs < query.from || row.startedMs > query.to) return false;
  if (query.curationType !== undefined && row.curationType !== query.curationType) return false;
  if (query.statuses !== undefined && !query.statuses.includes(row.status)) return false;
  return nameMatches(row.curationType, row.executionName, query.search);
}

const byAtThenName = (a: TimelinePoint, b: TimelinePoint): number => a.at - b.at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function pointOf(row: TimelineRow, by: TimeAxis): TimelinePoint {
  return {
    name: row.executionName,
    curationType: row.curationType,
    status: row.status,
    at: placedAt(row, by),
    startedAt: row.startedMs,
    durationMs: row.durationMs,
    scheduled: row.scheduledMs !== undefined,
  };
}

export function sortPoints(points: TimelinePoint[]): TimelinePoint[] {
  return points.sort(byAtThenName);
}

const cellOrder = (a: TimelineCell, b: TimelineCell): number =>
  a.minute - b.minute || (a.status < b.status ? -1 : a.status > b.status ? 1 : 0) || a.band - b.band;

export function sortCells(cells: TimelineCell[]): TimelineCell[] {
  return cells.sort(cellOrder);
}

/** The timeline of rows held in memory: what every store must answer (stores that cannot group in their query use it). */
export function timelineOf(rows: Iterable<TimelineRow>, query: TimelineQuery): Timeline {
  const hits: TimelineRow[] = [];
  for (const row of rows) if (matchesTimeline(row, query)) hits.push(row);
  if (hits.length <= query.pointLimit) return { total: hits.length, points: sortPoints(hits.map((r) => pointOf(r, query.by))) };
  const cells = new Map<string, { -readonly [K in keyof TimelineCell]: TimelineCell[K] }>();
  for (const row of hits) {
    const minute = Math.floor(placedAt(row, query.by) / MINUTE_MS);
    const band = durationBand(row.durationMs);
    const key = `${minute}|${row.status}|${band}`;
    const cell = cells.get(key);
    const unscheduled = query.by === 'scheduled' && row.scheduledMs === undefined ? 1 : 0;
    if (!cell) {
      cells.set(key, { minute, status: row.status, band, count: 1, unscheduled, minDurationMs: row.durationMs, maxDurationMs: row.durationMs });
    } else {
      cell.count++;
      cell.unscheduled += unscheduled;
      cell.minDurationMs = Math.min(cell.minDurationMs, row.durationMs);
      cell.maxDurationMs = Math.max(cell.maxDurationMs, row.durationMs);
    }
  }
  return { total: hits.length, cells: sortCells([...cells.values()]) };
}

/** Cells merged into buckets of `minutes` minutes (each bucket's `minute` is its first). */
export function mergeCells(cells: readonly TimelineCell[], minutes: number): TimelineCell[] {
  const out = new Map<string, { -readonly [K in keyof TimelineCell]: TimelineCell[K] }>();
  for (const c of cells) {
    const minute = Math.floor(c.minute / minutes) * minutes;
    const key = `${minute}|${c.status}|${c.band}`;
    const m = out.get(key);
    if (!m) out.set(key, { ...c, minute });
    else {
      m.count += c.count;
      m.unscheduled += c.unscheduled;
      m.minDurationMs = Math.min(m.minDurationMs, c.minDurationMs);
      m.maxDurationMs = Math.max(m.maxDurationMs, c.maxDurationMs);
    }
  }
  return sortCells([...out.values()]);
}

/** Bucket widths (minutes) the timeline draws with: each a whole number of the one before or a familiar span. */
const BUCKET_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10_080];

/** The narrowest familiar bucket width that covers `spanMs` in at most `buckets` buckets. */
export function bucketMinutesFor(spanMs: number, buckets: number): number {
  const minutes = spanMs / MINUTE_MS / Math.max(1, buckets);
  return BUCKET_MINUTES.find((m) => m >= minutes) ?? Math.ceil(minutes / 10_080) * 10_080;
}

/** The longest window one timeline query may span (a year): past it, ask for pieces. */
export const MAX_TIMELINE_SPAN_MS = 366 * 24 * 3600_000;
export const MAX_POINT_LIMIT = 20_000;

/** @throws ValidationError naming a bad bound, span or limit. */
export function checkTimelineQuery(query: TimelineQuery): void {
  const issues: FieldIssue[] = [];
  for (const bound of ['from', 'to'] as const) {
    if (!Number.isSafeInteger(query[bound])) issues.push({ path: bound, message: 'must be epoch milliseconds (an integer)' });
  }
  if (issues.length === 0 && query.to < query.from) issues.push({ path: 'to', message: `must not be before from (${query.from})` });
  if (issues.length === 0 && query.to - query.from > MAX_TIMELINE_SPAN_MS) issues.push({ path: 'to', message: 'must be at most 366 days after from' });
  if (!Number.isSafeInteger(query.pointLimit) || query.pointLimit < 0 || query.pointLimit > MAX_POINT_LIMIT) {
    issues.push({ path: 'pointLimit', message: `must be a whole number from 0 to ${MAX_POINT_LIMIT}` });
  }
  if (issues.length > 0) throw new ValidationError(issues, 'timeline query');
}
