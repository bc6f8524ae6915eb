/**
 * The one rule for instants typed by people (`adp backfill --from/--to`,
 * `adp schedule next --from`, the API's `from`/`to`): an ISO-8601 date-time
 * that carries its zone, `Z` or `±hh:mm`. A date or time without a zone is
 * refused rather than read in some zone the user did not say.
 */
export const ZONED_INSTANT_RULE = 'must be an ISO-8601 date-time with a zone (Z or ±hh:mm)';

const ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * Epoch milliseconds of an ISO-8601 date-time with a zone, or undefined when
 * `text` is not one (no zone, a date only, 2027-02-30, 25:00).
 *
 * @example
 * parseZonedInstant('2027-01-01T00:00:00+01:00') // 1798758000000
 * parseZonedInstant('2027-01-01')                // undefined: no time, no zone
 */
export function parseZonedInstant(text: string): number | undefined {
  const m = ZONED.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return undefined;
  const ms = Date.parse(text.toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}
