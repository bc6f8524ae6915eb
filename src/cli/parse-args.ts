import { parseZonedInstant, ZONED_INSTANT_RULE } from '../domain/instant.js';
import { UsageError } from './exit-codes.js';
import { PARAMETER_NAME } from '../domain/template/parameter-name.js';

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

/** Collects repeated `--param k=v` flags (commander's argParser). */
export function collectParam(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `--param k=v` flags as the run's parameters: each `NAME=value` (the value
 * may hold `=`), NAME an identifier, each NAME once; else a UsageError.
 *
 * @example parseParams(['region=eu', 'day=2027-01-01']) // { region: 'eu', day: '2027-01-01' }
 */
export function parseParams(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const params: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (eq < 0 || !PARAMETER_NAME.test(name)) throw new UsageError(`--param: expected NAME=value with NAME an identifier (A-Z a-z 0-9 _), got '${v}'`);
    if (Object.hasOwn(params, name)) throw new UsageError(`--param: '${name}' is given twice`);
    params[name] = v.slice(eq + 1);
  }
  return params;
}
