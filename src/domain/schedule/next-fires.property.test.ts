import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextFireTimes } from './next-fires.js';
import { parseScheduleExpression } from './parse.js';

// An oracle written from the EventBridge Scheduler documentation alone: it
// walks real instants minute by minute, reads the local wall clock with
// Intl.DateTimeFormat#formatToParts and tests each field. A wall time that
// does not exist is never visited; a wall time seen before (clocks set back)
// does not fire again.

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function value(text: string, names: string[] | undefined, min: number): number {
  const i = names ? names.indexOf(text.toUpperCase()) : -1;
  return i >= 0 ? i + min : Number(text);
}

/** Predicate for a plain list field (numbers, names, ranges, steps). */
function listField(field: string, min: number, max: number, names?: string[]): (v: number) => boolean {
  const preds = field.split(',').map((el) => {
    const [base = '', stepText] = el.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo: number;
    let hi: number;
    if (base === '*') [lo, hi] = [min, max];
    else if (base.includes('-')) [lo, hi] = base.split('-').map((x) => value(x, names, min)) as [number, number];
    else [lo, hi] = [value(base, names, min), stepText === undefined ? value(base, names, min) : max];
    return (v: number) => v >= lo && v <= hi && (v - lo) % step === 0;
  });
  return (v) => preds.some((p) => p(v));
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1;

type Wall = { y: number; mo: number; d: number; h: number; mi: number };

function domPredicate(field: string): (w: Wall) => boolean {
  const f = field.toUpperCase();
  if (f === '?' || f === '*') return () => true;
  if (f === 'L') return (w) => w.d === daysIn(w.y, w.mo);
  if (f === 'LW') {
    return (w) => {
      let d = daysIn(w.y, w.mo);
      while (weekday(w.y, w.mo, d) === 1 || weekday(w.y, w.mo, d) === 7) d--;
      return w.d === d;
    };
  }
  if (f.endsWith('W')) {
    const n = Number(f.slice(0, -1));
    return (w) => {
      const dim = daysIn(w.y, w.mo);
      if (n > dim) return false;
      const wd = weekday(w.y, w.mo, n);
      let target = n;
      if (wd === 7) target = n === 1 ? 3 : n - 1;
      if (wd === 1) target = n === dim ? n - 2 : n + 1;
      return w.d === target;
    };
  }
  const p = listField(f, 1, 31);
  return (w) => p(w.d);
}

function dowPredicate(field: string): (w: Wall) => boolean {
  const f = field.toUpperCase();
  if (f === '?' || f === '*') return () => true;
  if (f === 'L') return (w) => weekday(w.y, w.mo, w.d) === 7;
  if (f.endsWith('L')) {
    const wd = value(f.slice(0, -1), DAYS, 1);
    return (w) => weekday(w.y, w.mo, w.d) === wd && w.d + 7 > daysIn(w.y, w.mo);
  }
  if (f.includes('#')) {
    const [a = '', b = ''] = f.split('#');
    const wd = value(a, DAYS, 1);
    return (w) => weekday(w.y, w.mo, w.d) === wd && Math.ceil(w.d / 7) === Number(b);
  }
  const p = listField(f, 1, 7, DAYS);
  return (w) => p(weekday(w.y, w.mo, w.d));
}

interface Matcher {
  /** Cheap test of the minutes and hours fields. */
  readonly time: (minute: number, hour: number) => boolean;
  /** The full test. */
  readonly all: (w: Wall) => boolean;
}

function matcher(expr: string): Matcher {
  const [mi = '', h = '', dom = '', mo = '', dow = '', y = ''] = expr.slice(5, -1).split(' ');
  const [pmi, ph, pmo, py] = [listField(mi, 0, 59), listField(h, 0, 23), listField(mo, 1, 12, MONTHS), listField(y, 1970, 2199)];
  const [pdom, pdow] = [domPredicate(dom), dowPredicate(dow)];
  const time = (minute: number, hour: number) => pmi(minute) && ph(hour);
  return { time, all: (w) => time(w.mi, w.h) && pmo(w.mo) && py(w.y) && pdom(w) && pdow(w) };
}

const MINUTE = 60_000;
// Every offset change of the zones below falls on a UTC quarter hour, so one
// Intl call per block gives the wall clock of each minute in it.
const QUARTER_HOUR = 15;

const formats = new Map<string, Intl.DateTimeFormat>();
function wallAt(ms: number, tz: string): Wall {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
    formats.set(tz, f);
  }
  const parts = f.formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute') };
}

/**
 * Fire instants in (after, end], at most `limit`, scanning every minute, or
 * every `stepMinutes` (a multiple of 15: once per block) for expressions that
 * can only fire then; also returns the instant the scan stopped at.
 */
function bruteForce(expr: string, tz: string, after: number, end: number, limit: number, stepMinutes = 1): { fires: number[]; scannedTo: number } {
  const m = matcher(expr);
  const fires: number[] = [];
  // Scanning forward, the wall clock only goes back when clocks are set back:
  // a wall time not later than one already seen is a repeat and does not fire.
  let latestWall = -Infinity;
  const blockMs = Math.max(QUARTER_HOUR, stepMinutes) * MINUTE;
  const start = Math.floor((after - 3 * 3_600_000) / blockMs) * blockMs;
  for (let block = start; block <= end; block += blockMs) {
    const w0 = wallAt(block, tz);
    const wall0 = Date.UTC(w0.y, w0.mo - 1, w0.d, w0.h, w0.mi);
    for (let i = 0; i < QUARTER_HOUR && i * MINUTE < blockMs; i += stepMinutes) {
      const t = block + i * MINUTE;
      const wallMs = wall0 + i * MINUTE;
      const repeat = wallMs <= latestWall;
      latestWall = Math.max(latestWall, wallMs);
      if (t <= after || t > end || repeat) continue;
      if (!m.time(Math.floor(wallMs / MINUTE) % 60, Math.floor(wallMs / 3_600_000) % 24)) continue;
      const d = new Date(wallMs);
      if (m.all({ y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes() })) {
        fires.push(t);
        if (fires.length === limit) return { fires, scannedTo: t };
      }
    }
  }
  return { fires, scannedTo: end };
}

// ---- generators -----------------------------------------------------------

const element = (min: number, max: number, names?: string[]) => {
  const v = fc.integer({ min, max });
  const show = (n: number) => (names && n % 2 === 0 ? (names[n - min] ?? String(n)) : String(n));
  const range = fc.tuple(v, v).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
  return fc.oneof(
    v.map(show),
    range.map(([a, b]) => `${show(a)}-${show(b)}`),
    fc.integer({ min: 1, max: Math.max(1, Math.ceil((max - min + 1) / 2)) }).map((s) => `*/${s}`),
    fc.tuple(v, fc.integer({ min: 1, max: Math.min(10, max - min + 1) })).map(([a, s]) => `${show(a)}/${s}`),
    fc.tuple(range, fc.integer({ min: 1, max: 5 })).map(([[a, b], s]) => `${show(a)}-${show(b)}/${s}`),
  );
};
const listOf = (min: number, max: number, names?: string[]) =>
  fc.oneof({ weight: 2, arbitrary: fc.constant('*') }, { weight: 5, arbitrary: fc.array(element(min, max, names), { minLength: 1, maxLength: 3 }).map((a) => a.join(',')) });

const dayOfMonth = fc.oneof(
  { weight: 3, arbitrary: listOf(1, 31) },
  { weight: 1, arbitrary: fc.constantFrom('L', 'LW') },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 31 }).map((n) => `${n}W`) },
);
const dayName = fc.integer({ min: 1, max: 7 }).chain((n) => fc.constantFrom(String(n), DAYS[n - 1] ?? ''));
const dayOfWeek = fc.oneof(
  { weight: 3, arbitrary: listOf(1, 7, DAYS) },
  { weight: 1, arbitrary: dayName.map((d) => `${d}L`) },
  { weight: 1, arbitrary: fc.tuple(dayName, fc.integer({ min: 1, max: 5 })).map(([d, n]) => `${d}#${n}`) },
  { weight: 1, arbitrary: fc.constant('L') },
);
const days = fc.oneof(dayOfMonth.map((d) => [d, '?'] as const), dayOfWeek.map((d) => ['?', d] as const));

/** `SCHEDULE_PROPERTY_RUNS=20 npx vitest run ...` runs every property 20 times as often. */
const RUNS = Math.max(1, Number(process.env.SCHEDULE_PROPERTY_RUNS) || 1);

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kathmandu'];
// Windows start in Feb-Mar or Sep-Oct so most cross a DST change in every hemisphere.
const windowStart = fc
  .tuple(fc.integer({ min: 2024, max: 2034 }), fc.constantFrom(1, 2, 8, 9), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 24 * 60 - 1 }))
  .map(([y, m, d, minute]) => Date.UTC(y, m, d) + minute * MINUTE + 17_000);

function compare(expr: string, tz: string, after: number, windowMs: number, limit: number, stepMinutes = 1): void {
  const end = after + windowMs;
  const { fires, scannedTo } = bruteForce(expr, tz, after, end, limit, stepMinutes);
  const want = fires.length === limit ? limit : fires.length + 1;
  const got = nextFireTimes(parseScheduleExpression(expr), { after: new Date(after), count: want, timezone: tz }).map((d) => d.getTime());
  expect(got.slice(0, fires.length).map((t) => new Date(t).toISOString())).toEqual(fires.map((t) => new Date(t).toISOString()));
  if (fires.length < limit && got.length > fires.length) expect(got[fires.length]).toBeGreaterThan(scannedTo);
}

describe('nextFireTimes against a brute-force evaluator', () => {
  it('agrees for random cron expressions, zones and 45-day windows', () => {
    const hours = fc.oneof(fc.constant('*'), listOf(0, 23));
    const cron = fc
      .tuple(listOf(0, 59), hours, days, fc.oneof({ weight: 3, arbitrary: fc.constant('*') }, { weight: 1, arbitrary: listOf(1, 12, MONTHS) }))
      .map(([mi, h, [dom, dow], mo]) => `cron(${mi} ${h} ${dom} ${mo} ${dow} *)`);
    fc.assert(
      fc.property(cron, fc.constantFrom(...ZONES), windowStart, (expr, tz, after) => compare(expr, tz, after, 45 * 86_400_000, 200)),
      { numRuns: 30 * RUNS },
    );
  });

  it('agrees on day-of-month and day-of-week rules over 200 days', () => {
    // Scanning hourly: UTC hours are local minute 0, or 45 in Kathmandu, and
    // these zones change offset on whole UTC hours in 2024-2035.
    const zoned = fc.constantFrom(...ZONES).chain((tz) =>
      fc.tuple(fc.constant(tz), fc.integer({ min: 0, max: 23 }), days).map(([zone, h, [dom, dow]]) => {
        const minute = zone === 'Asia/Kathmandu' ? 45 : 0;
        return [zone, `cron(${minute} ${h} ${dom} * ${dow} *)`] as const;
      }),
    );
    fc.assert(
      fc.property(zoned, windowStart, ([tz, expr], after) => compare(expr, tz, after, 200 * 86_400_000, 100, 60)),
      { numRuns: 25 * RUNS },
    );
  });

  it('agrees on early-morning hours across DST changes', () => {
    const transitions = [
      Date.UTC(2030, 2, 10, 7), Date.UTC(2030, 10, 3, 6), // New York
      Date.UTC(2031, 2, 30, 1), Date.UTC(2031, 9, 26, 1), // London
      Date.UTC(2032, 3, 3, 16), Date.UTC(2032, 9, 2, 16), // Sydney (UTC+10/+11)
    ];
    const cron = fc
      .tuple(listOf(0, 59), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }))
      .map(([mi, hs]) => `cron(${mi} ${hs.join(',')} * * ? *)`);
    const zone = fc.constantFrom('America/New_York', 'Europe/London', 'Australia/Sydney');
    const offsetHours = fc.integer({ min: -30, max: 6 });
    fc.assert(
      fc.property(cron, zone, fc.constantFrom(...transitions), offsetHours, (expr, tz, t, dh) =>
        compare(expr, tz, t + dh * 3_600_000, 3 * 86_400_000, 400)),
      { numRuns: 60 * RUNS },
    );
  });

  it('agrees with year limits near the end of 2199', () => {
    const cron = fc.tuple(listOf(0, 59), listOf(0, 23)).map(([mi, h]) => `cron(${mi} ${h} L * ? 2199)`);
    fc.assert(
      fc.property(cron, fc.constantFrom(...ZONES), (expr, tz) => compare(expr, tz, Date.UTC(2199, 11, 29), 5 * 86_400_000, 100)),
      { numRuns: 10 * RUNS },
    );
  });
});
