import type uPlot from 'uplot';
import { api } from './api.js';
import type { TerminalStatus, TimeAxis, TimelineCell, TimelinePoint, TimelineResponse } from './types.js';

export const STATUSES: readonly TerminalStatus[] = ['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped'];

export interface TimelineFilters {
  readonly by: TimeAxis;
  /** Statuses shown; all when it holds every status. */
  readonly statuses: ReadonlySet<TerminalStatus>;
  readonly search: string;
  readonly curationType?: string;
}

/** One window of the timeline from GET /timeline: at most ~3 buckets per pixel column of `width`. */
export function loadTimeline(range: { from: number; to: number }, filters: TimelineFilters, width: number, signal: AbortSignal): Promise<TimelineResponse> {
  const params = new URLSearchParams({ from: String(Math.floor(range.from)), to: String(Math.floor(range.to)), by: filters.by, pointLimit: '3000' });
  params.set('buckets', String(Math.max(10, Math.min(2000, Math.round(width / 3)))));
  if (filters.statuses.size < STATUSES.length) params.set('status', [...filters.statuses].join(','));
  if (filters.search.trim()) params.set('q', filters.search.trim());
  if (filters.curationType) params.set('curationType', filters.curationType);
  return api<TimelineResponse>(`/timeline?${params}`, { signal });
}

/** What is drawn: a run (`point`) or the runs of one bucket, status and band (`cell`), at (x ms, y duration ms). */
export type Mark =
  | { readonly kind: 'point'; readonly x: number; readonly y: number; readonly status: TerminalStatus; readonly point: TimelinePoint }
  | { readonly kind: 'cell'; readonly x: number; readonly y: number; readonly status: TerminalStatus; readonly cell: TimelineCell; readonly minutes: number };

export function marksOf(data: TimelineResponse | undefined): Mark[] {
  if (!data) return [];
  if (data.points) return data.points.map((p) => ({ kind: 'point', x: p.at, y: Math.max(p.durationMs, 1), status: p.status, point: p }));
  const minutes = data.bucketMinutes ?? 1;
  return (data.cells ?? []).map((c) => ({
    kind: 'cell',
    // The middle of the bucket, and the geometric middle of its durations (the y axis is logarithmic).
    x: (c.minute + minutes / 2) * 60_000,
    y: Math.sqrt(Math.max(c.minDurationMs, 1) * Math.max(c.maxDurationMs, 1)),
    status: c.status,
    cell: c,
    minutes,
  }));
}

/** uPlot's columns: x (s), one y column per status (duration in s, null elsewhere); marks sorted by x like the columns. */
export function columnsOf(marks: readonly Mark[]): { data: uPlot.AlignedData; sorted: Mark[] } {
  const sorted = [...marks].sort((a, b) => a.x - b.x);
  const xs = sorted.map((m) => m.x / 1000);
  const ys = STATUSES.map((s) => sorted.map((m) => (m.status === s ? m.y / 1000 : null)));
  return { data: [xs, ...ys] as uPlot.AlignedData, sorted };
}

/** The x range drawn: the window, widened to every mark (runs placed by scheduled time may lie before it). */
export function drawnRange(marks: readonly Mark[], range: { from: number; to: number }): { from: number; to: number } {
  let { from, to } = range;
  for (const m of marks) {
    const left = m.kind === 'cell' ? m.cell.minute * 60_000 : m.x;
    const right = m.kind === 'cell' ? (m.cell.minute + m.minutes) * 60_000 : m.x;
    if (left < from) from = left;
    if (right > to) to = right;
  }
  return { from, to };
}

/** Radius of a bucket's disc: grows with the log of its count, from a run's size. */
export function cellRadius(count: number): number {
  return Math.min(4.5 + 2.2 * Math.log10(count), 14);
}

export function countsByStatus(data: TimelineResponse | undefined): Map<TerminalStatus, number> {
  const out = new Map<TerminalStatus, number>();
  if (!data) return out;
  if (data.points) for (const p of data.points) out.set(p.status, (out.get(p.status) ?? 0) + 1);
  else for (const c of data.cells ?? []) out.set(c.status, (out.get(c.status) ?? 0) + c.count);
  return out;
}

export function unscheduledCount(data: TimelineResponse | undefined): number {
  if (!data) return 0;
  if (data.points) return data.points.filter((p) => !p.scheduled).length;
  return (data.cells ?? []).reduce((n, c) => n + c.unscheduled, 0);
}
