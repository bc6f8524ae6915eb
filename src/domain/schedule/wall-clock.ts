/**
 * Local wall-clock time in IANA zones, computed with Intl only. A wall time is
 * carried as "wall milliseconds": the instant it would be if the zone were UTC.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * True when `tz` is a time zone name the runtime knows (`Europe/London`, `UTC`).
 *
 * @example
 * isValidTimezone('Asia/Kathmandu') // true
 * isValidTimezone('Mars/Olympus')   // false
 */
export function isValidTimezone(tz: string): boolean {
  if (tz.trim() === '' || /^[+-]\d/.test(tz)) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const FORMATTED = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/** The wall clock in `timeZone` at `instantMs`, as wall milliseconds (whole seconds). */
export function wallMsAt(instantMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return Math.floor(instantMs / 1000) * 1000;
  // `format` is several times faster than `formatToParts`; en-US numeric with
  // h23 always reads "M/D/YYYY, HH:MM:SS".
  const text = formatter(timeZone).format(instantMs);
  const m = FORMATTED.exec(text);
  if (!m) throw new Error(`unexpected date format "${text}"`);
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
}

const HOUR = 3_600_000;
// Every UTC offset lies within -12h..+14h, so the offsets in force 14h either
// side of the wall time include every offset that could produce it (zones
// change offset at most once in 28 hours).
const PROBES = [-14 * HOUR, 14 * HOUR];

/**
 * The earliest instant at which the wall clock in `timeZone` shows `wallMs`,
 * or undefined when that wall time does not exist (skipped by a DST change).
 * A wall time that occurs twice (clocks set back) maps to its first occurrence.
 */
export function firstInstantOfWall(wallMs: number, timeZone: string): number | undefined {
  if (timeZone === 'UTC') return wallMs;
  const floorWall = Math.floor(wallMs / 1000) * 1000;
  let first: number | undefined;
  const tried = new Set<number>();
  for (const probe of PROBES) {
    const at = floorWall + probe;
    const offset = wallMsAt(at, timeZone) - Math.floor(at / 1000) * 1000;
    if (tried.has(offset)) continue;
    tried.add(offset);
    const candidate = floorWall - offset;
    if (wallMsAt(candidate, timeZone) === floorWall && (first === undefined || candidate < first)) first = candidate;
  }
  return first === undefined ? undefined : first + (wallMs - floorWall);
}
