import { UsageError } from './exit-codes.js';

/** A whole-number option in [min, max], or a UsageError naming the flag. */
export function parseWholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag}: must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** An ISO-8601 instant option (it must start with a date), or a UsageError naming the flag. */
export function parseInstant(flag: string, value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) throw new UsageError(`${flag}: not an ISO-8601 date-time: '${value}'`);
  return d;
}
