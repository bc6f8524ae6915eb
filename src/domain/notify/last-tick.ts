import { nextFireTimes } from '../schedule/next-fires.js';
import type { ScheduleExpression } from '../schedule/types.js';

const HOUR = 3_600_000;
// Widening look-back windows: frequent schedules are found in the first, yearly ones in the last.
const WINDOWS_MS = [HOUR, 26 * HOUR, 32 * 24 * HOUR, 367 * 24 * HOUR];
const PAGE = 256;

/**
 * The latest tick at or before `at`, not before `notBefore`; undefined when
 * there is none. `rate()` ticks fall on `anchor + k * every` (the
 * scheduler's rule: `startDate`, else the curation's creation).
 */
export function lastTickAtOrBefore(
  expr: ScheduleExpression,
  at: Date,
  options: { readonly timezone?: string; readonly anchor: Date; readonly notBefore: Date },
): Date | undefined {
  const atMs = at.getTime();
  const floorMs = options.notBefore.getTime();
  if (atMs < floorMs) return undefined;
  if (expr.kind === 'rate') {
    const anchorMs = options.anchor.getTime();
    if (atMs < anchorMs) return undefined;
    const tick = anchorMs + Math.floor((atMs - anchorMs) / expr.everyMs) * expr.everyMs;
    return tick >= floorMs ? new Date(tick) : undefined;
  }
  for (const window of WINDOWS_MS) {
    const fromMs = Math.max(floorMs - 1, atMs - window);
    let last: Date | undefined;
    let after = new Date(fromMs);
    for (;;) {
      const fires = nextFireTimes(expr, { after, count: PAGE, timezone: options.timezone });
      for (const f of fires) if (f.getTime() <= atMs) last = f;
      const end = fires.at(-1);
      if (fires.length < PAGE || !end || end.getTime() > atMs) break;
      after = end;
    }
    if (last || fromMs <= floorMs - 1) return last;
  }
  return undefined;
}
