import { parseZonedInstant, ZONED_INSTANT_RULE } from '../domain/instant.js';
import { UsageError } from './exit-codes.js';

/** A whole-number option in [min, max], or a UsageError naming the flag. */
export function parseWholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag}: must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/**
 * An instant option: an ISO-8601 date-time with its zone, the rule the API
 * follows too (see domain/instant.ts); otherwise a UsageError naming the flag
 * and showing the value written with a zone.
 */
export function parseInstant(flag: string, value: string): Date {
  const ms = parseZonedInstant(value);
  if (ms !== undefined) return new Date(ms);
  const example = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? `${value}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)
      ? `${value}Z`
      : '2027-01-01T00:00:00Z';
  throw new UsageError(`${flag}: '${value}' ${ZONED_INSTANT_RULE}, e.g. ${example} (UTC) or with an offset such as +01:00`);
}
