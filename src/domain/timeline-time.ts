/** Which time of a run places it on the timeline. */
export type TimelineAxis = 'started' | 'scheduled';

/** Where a run sits on the timeline, and whether it lacked the asked-for time. */
export interface TimelinePlacement {
  /** Epoch ms. */
  readonly at: number;
  /** True when `by=scheduled` but the run has no scheduled time, so its start time is used. */
  readonly fallback: boolean;
}

/**
 * The run's position on the axis. Records the sample wrote carry no
 * `startedAt`: their own `timestamp` is the best start time there is.
 *
 * @example timelinePlacement(record, 'scheduled') // { at: Date.parse(record.scheduledTime), fallback: false }
 */
export function timelinePlacement(
  record: { readonly timestamp: number; readonly startedAt?: string; readonly scheduledTime?: string },
  by: TimelineAxis,
): TimelinePlacement {
  const started = parseOr(record.startedAt, record.timestamp);
  if (by === 'started') return { at: started, fallback: false };
  const scheduled = parseOr(record.scheduledTime, Number.NaN);
  return Number.isNaN(scheduled) ? { at: started, fallback: true } : { at: scheduled, fallback: false };
}

function parseOr(iso: string | undefined, fallback: number): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? fallback : ms;
}

// Widths a reader can name ("5 min", "1 h"), so bucket edges fall on round times.
const NICE_WIDTHS_MS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21_600, 43_200, 86_400].map((s) => s * 1000);

/**
 * The narrowest round bucket width that cuts [from, to] into at most
 * `maxBuckets` buckets: the store groups by `floor((at - from) / width)`.
 *
 * @example bucketWidthMs(0, 24 * 3600_000, 500) // 300000 (5 min: 288 buckets)
 */
export function bucketWidthMs(from: number, to: number, maxBuckets: number): number {
  const span = Math.max(to - from, 1);
  for (const width of NICE_WIDTHS_MS) if (Math.ceil(span / width) <= maxBuckets) return width;
  const day = NICE_WIDTHS_MS.at(-1)!;
  return Math.ceil(span / maxBuckets / day) * day;
}
