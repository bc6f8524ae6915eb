import { nextFireTimes } from '../domain/schedule/index.js';
import type { CurationSchedule } from './curation-schedule.js';

/** Ticks looked at per call when walking a window of a cron schedule. */
const CHUNK = 1_000;
/** First look-back window of {@link lastTicks} for cron schedules; it grows eightfold until it holds enough ticks. */
const FIRST_WINDOW_MS = 2 * 3_600_000;

function fireOptions(s: CurationSchedule, afterMs: number) {
  return {
    after: new Date(Math.max(afterMs, s.notBeforeMs)),
    timezone: s.policy.timezone,
    anchor: new Date(s.anchorMs),
  };
}

/** The first tick strictly after `afterMs` (never before the curation's start), or undefined when the schedule has ended. */
export function nextTick(s: CurationSchedule, afterMs: number): number | undefined {
  return nextFireTimes(s.expression, { ...fireOptions(s, afterMs), count: 1 })[0]?.getTime();
}

/** What {@link lastTicks} found. */
export interface RecentTicks {
  /** Ascending. */
  readonly ticks: number[];
  /** True when older ticks exist in the range than those returned. */
  readonly more: boolean;
  /** How many older ticks, when that is cheap to know (rate expressions). */
  readonly older?: number;
}

/**
 * The last `k` ticks in `(afterMs, untilMs]`, ascending, without walking the
 * whole range: rate() is arithmetic, cron() is searched backwards from
 * `untilMs` in growing windows, so a scheduler that was down for a year
 * costs about as much as one that was down for a minute.
 */
export function lastTicks(s: CurationSchedule, afterMs: number, untilMs: number, k: number): RecentTicks {
  const from = Math.max(afterMs, s.notBeforeMs);
  if (untilMs <= from || k <= 0) return { ticks: [], more: false };
  const e = s.expression;
  if (e.kind === 'rate') {
    const lo = Math.max(0, Math.floor((from - s.anchorMs) / e.everyMs) + 1);
    const hi = Math.floor((untilMs - s.anchorMs) / e.everyMs);
    if (hi < lo) return { ticks: [], more: false };
    const first = Math.max(lo, hi - k + 1);
    const ticks: number[] = [];
    for (let i = first; i <= hi; i++) ticks.push(s.anchorMs + i * e.everyMs);
    return { ticks, more: first > lo, older: first - lo };
  }
  for (let window = FIRST_WINDOW_MS; ; window *= 8) {
    const lo = Math.max(from, untilMs - window);
    const found = ticksIn(s, lo, untilMs, k);
    if (found.ticks.length >= k || lo === from) return { ticks: found.ticks, more: found.more || lo > from };
  }
}

/** The last `k` ticks in `(lo, hi]`, walking forward. */
function ticksIn(s: CurationSchedule, lo: number, hi: number, k: number): RecentTicks {
  const kept: number[] = [];
  let dropped = false;
  let cursor = lo;
  // Small batches first: a sparse schedule's window may hold one tick, and each tick costs a croner step.
  for (let size = Math.min(CHUNK, k + 1); ; size = Math.min(CHUNK, size * 4)) {
    const batch = nextFireTimes(s.expression, { ...fireOptions(s, cursor), count: size });
    for (const d of batch) {
      const t = d.getTime();
      if (t > hi) return { ticks: kept, more: dropped };
      kept.push(t);
      if (kept.length > k) {
        kept.shift();
        dropped = true;
      }
    }
    if (batch.length < size) return { ticks: kept, more: dropped };
    cursor = batch[batch.length - 1]!.getTime();
  }
}
