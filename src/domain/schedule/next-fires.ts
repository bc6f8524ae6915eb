import { Cron } from 'croner';
import { compileCron, MAX_YEAR } from './cron-fields.js';
import { toCronerPattern } from './croner-pattern.js';
import { ScheduleSyntaxError } from './schedule-syntax-error.js';
import type { ScheduleExpression } from './types.js';
import { firstInstantOfWall, isValidTimezone, wallMsAt } from './wall-clock.js';

export { isValidTimezone } from './wall-clock.js';

/** Options of {@link nextFireTimes}. */
export interface NextFireOptions {
  /** Fire times are strictly after this instant. */
  readonly after: Date;
  /** How many fire times to return at most. */
  readonly count: number;
  /** IANA time zone the cron fields are read in; default `UTC`. Ignored by rate expressions. */
  readonly timezone?: string;
  /** Rate expressions: the first fire; later fires follow every `everyMs`. Default `after`. */
  readonly anchor?: Date;
}

/** No fire is later than the end of the last year a cron expression may name. */
const LAST_INSTANT_MS = Date.UTC(MAX_YEAR + 1, 0, 1) - 1;

/** Compiled patterns by source: a scheduler asks about the same few expressions over and over. */
const compiled = new Map<string, Cron>();
const MAX_COMPILED = 2_000;

function compiledCron(expr: Extract<ScheduleExpression, { kind: 'cron' }>): Cron {
  const f = expr.fields;
  const key = `${f.minutes} ${f.hours} ${f.dayOfMonth} ${f.month} ${f.dayOfWeek} ${f.year}`;
  let cron = compiled.get(key);
  if (!cron) {
    cron = new Cron(toCronerPattern(compileCron(f)), {
      mode: '7-part',
      alternativeWeekdays: true,
      sloppyRanges: true,
      domAndDow: true,
      utcOffset: 0, // far faster than timezone: 'UTC', which goes through Intl
    });
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, cron);
  }
  return cron;
}

function cronFires(expr: Extract<ScheduleExpression, { kind: 'cron' }>, afterMs: number, count: number, tz: string): Date[] {
  // Croner walks wall-clock times (as if the zone were UTC); mapping each wall
  // time to its first real instant skips times in a DST gap and fires a
  // repeated time once, as EventBridge Scheduler does. That mapping is
  // increasing, so every wall time at or before the wall time of `after` maps
  // to an instant at or before `after`.
  const cron = compiledCron(expr);
  const fires: Date[] = [];
  let cursor: Date | null = new Date(wallMsAt(afterMs, tz));
  while (fires.length < count && (cursor = cron.nextRun(cursor)) !== null) {
    const instant = firstInstantOfWall(cursor.getTime(), tz);
    if (instant !== undefined && instant > afterMs) fires.push(new Date(instant));
  }
  return fires;
}

function rateFires(everyMs: number, afterMs: number, anchorMs: number, count: number): Date[] {
  const k0 = anchorMs > afterMs ? 0 : Math.floor((afterMs - anchorMs) / everyMs) + 1;
  const fires: Date[] = [];
  for (let k = k0; fires.length < count; k++) {
    const at = anchorMs + k * everyMs;
    if (at > LAST_INSTANT_MS) break;
    fires.push(new Date(at));
  }
  return fires;
}

/**
 * The next `count` fire instants strictly after `options.after`, fewer when the
 * schedule ends (cron years stop at 2199). Cron fields are read in
 * `options.timezone`: a local time skipped by a DST change does not fire, a
 * local time that occurs twice fires once, at its first occurrence. Rate
 * expressions fire at `anchor + k * everyMs`.
 *
 * @example
 * nextFireTimes(parseScheduleExpression('cron(30 2 * * ? *)'), {
 *   after: new Date('2030-03-09T12:00:00Z'), count: 2, timezone: 'America/New_York',
 * }) // 2030-03-09 02:30 EST; 2030-03-10 has no 02:30, so next is 2030-03-11 02:30 EDT
 */
export function nextFireTimes(expr: ScheduleExpression, options: NextFireOptions): Date[] {
  const tz = options.timezone ?? 'UTC';
  if (!isValidTimezone(tz)) throw new ScheduleSyntaxError(`timezone "${tz}" is not an IANA time zone`);
  const afterMs = options.after.getTime();
  if (Number.isNaN(afterMs)) throw new TypeError('nextFireTimes: options.after is not a valid Date');
  if (!Number.isInteger(options.count) || options.count < 0) throw new TypeError('nextFireTimes: options.count must be a whole number >= 0');
  if (options.count === 0) return [];
  if (expr.kind === 'rate') {
    const anchorMs = options.anchor?.getTime() ?? afterMs;
    if (Number.isNaN(anchorMs)) throw new TypeError('nextFireTimes: options.anchor is not a valid Date');
    return rateFires(expr.everyMs, afterMs, anchorMs, options.count);
  }
  return cronFires(expr, afterMs, options.count, tz);
}

/** The first fire instant strictly after `options.after`, or undefined when the schedule has ended. */
export function nextFireTime(expr: ScheduleExpression, options: Omit<NextFireOptions, 'count'>): Date | undefined {
  return nextFireTimes(expr, { ...options, count: 1 })[0];
}
