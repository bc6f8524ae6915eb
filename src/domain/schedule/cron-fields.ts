import { ScheduleSyntaxError } from './schedule-syntax-error.js';
import type { CronFields } from './types.js';

/** Which days of the month match; `any` is `?` or `*`. */
export type DayOfMonthRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'lastWeekday' }
  | { readonly kind: 'nearestWeekday'; readonly day: number };

/** Which days of the week match (1 = Sunday ... 7 = Saturday); `any` is `?` or `*`. */
export type DayOfWeekRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'weekdays'; readonly weekdays: ReadonlySet<number> }
  | { readonly kind: 'lastOfMonth'; readonly weekday: number }
  | { readonly kind: 'nth'; readonly weekday: number; readonly nth: number };

/** A cron expression reduced to value sets and day rules, ready to evaluate. */
export interface CompiledCron {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly dayOfMonth: DayOfMonthRule;
  readonly months: ReadonlySet<number>;
  readonly dayOfWeek: DayOfWeekRule;
  readonly years: ReadonlySet<number>;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59 };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES };
const YEAR: FieldSpec = { name: 'year', min: MIN_YEAR, max: MAX_YEAR };

const fail = (message: string): never => {
  throw new ScheduleSyntaxError(message);
};

/** One value: a number or (month, day-of-week) a three-letter name. */
function parseValue(spec: FieldSpec, text: string, whole: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) fail(`${spec.name} ${text} out of range ${spec.min}-${spec.max}`);
    return n;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + spec.min;
  const allowed = spec.names ? `a number ${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names.at(-1)}` : `a number ${spec.min}-${spec.max}`;
  const where = text === whole ? '' : ` in "${whole}"`;
  return fail(`${spec.name} "${text}"${where} is not ${allowed}`);
}

/** One list element: `*`, `v`, `a-b`, each optionally `/step`; `v/step` runs from v to the maximum. */
function parseElement(spec: FieldSpec, element: string, whole: string, into: Set<number>): void {
  if (element === '') fail(`${spec.name} "${whole}" has an empty list element`);
  const parts = element.split('/');
  if (parts.length > 2) fail(`${spec.name} "${element}" has more than one "/"`);
  const [base = '', stepText] = parts;
  let step = 1;
  if (stepText !== undefined) {
    const span = spec.max - spec.min + 1;
    if (!/^\d+$/.test(stepText)) fail(`${spec.name} increment "${stepText}" in "${element}" is not a whole number`);
    step = Number(stepText);
    if (step < 1 || step > span) fail(`${spec.name} increment ${stepText} in "${element}" out of range 1-${span}`);
  }
  let from: number;
  let to: number;
  if (base === '*') {
    from = spec.min;
    to = spec.max;
  } else if (base.includes('-')) {
    const bounds = base.split('-');
    if (bounds.length !== 2 || bounds[0] === '' || bounds[1] === '') fail(`${spec.name} range "${base}" must be start-end`);
    from = parseValue(spec, bounds[0] ?? '', whole);
    to = parseValue(spec, bounds[1] ?? '', whole);
    if (from > to) fail(`${spec.name} range "${base}" starts after it ends`);
  } else {
    if (base === '') fail(`${spec.name} "${element}" needs a value before "/"`);
    from = parseValue(spec, base, whole);
    to = stepText === undefined ? from : spec.max;
  }
  for (let v = from; v <= to; v += step) into.add(v);
}

function parseList(spec: FieldSpec, field: string): Set<number> {
  if (field === '?') fail(`"?" is only allowed in day-of-month or day-of-week, not in ${spec.name}`);
  const values = new Set<number>();
  for (const element of field.split(',')) {
    if (/[LW#?]/i.test(element) && !spec.names) {
      fail(`${spec.name} "${element}": L, W, # and ? are not allowed in ${spec.name}`);
    }
    parseElement(spec, element, field, values);
  }
  return values;
}

function parseDayOfMonth(field: string): DayOfMonthRule {
  if (field === '?' || field === '*') return { kind: 'any' };
  const upper = field.toUpperCase();
  if (upper === 'L') return { kind: 'last' };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  const w = /^(\d+)W$/.exec(upper);
  if (w) return { kind: 'nearestWeekday', day: parseValue(DAY_OF_MONTH, w[1] ?? '', field) };
  if (/[LW?]/.test(upper)) fail(`day-of-month "${field}": L, LW and nW (e.g. 15W) must stand alone, and "?" must be the whole field`);
  if (upper.includes('#')) fail(`day-of-month "${field}": "#" is only allowed in day-of-week`);
  return { kind: 'days', days: parseList(DAY_OF_MONTH, field) };
}

function parseDayOfWeek(field: string): DayOfWeekRule {
  if (field === '?' || field === '*') return { kind: 'any' };
  const upper = field.toUpperCase();
  // Quartz semantics: `L` alone is the last day of the week, Saturday.
  if (upper === 'L') return { kind: 'weekdays', weekdays: new Set([7]) };
  const last = /^([A-Z]{3}|\d+)L$/.exec(upper);
  if (last) return { kind: 'lastOfMonth', weekday: parseValue(DAY_OF_WEEK, last[1] ?? '', field) };
  const nth = /^([A-Z]{3}|\d+)#(\d+)$/.exec(upper);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) fail(`day-of-week "${field}": occurrence ${nth[2]} after "#" out of range 1-5`);
    return { kind: 'nth', weekday: parseValue(DAY_OF_WEEK, nth[1] ?? '', field), nth: n };
  }
  // No day name contains L or #; WED contains W.
  if (upper.includes('#') || upper.includes('L')) fail(`day-of-week "${field}": nL (e.g. 6L) and n#k (e.g. 2#3) must stand alone`);
  if (upper.includes('?')) fail(`day-of-week "${field}": "?" must be the whole field`);
  if (upper.replace(/WED/g, '').includes('W')) fail(`day-of-week "${field}": "W" is only allowed in day-of-month`);
  return { kind: 'weekdays', weekdays: parseList(DAY_OF_WEEK, field) };
}

/**
 * Validates the six cron fields with EventBridge Scheduler semantics and
 * reduces them to value sets. Throws {@link ScheduleSyntaxError} naming the
 * field and the reason.
 */
export function compileCron(fields: CronFields): CompiledCron {
  const domQ = fields.dayOfMonth === '?';
  const dowQ = fields.dayOfWeek === '?';
  if (domQ === dowQ) fail('exactly one of day-of-month and day-of-week must be "?"');
  return {
    minutes: parseList(MINUTES, fields.minutes),
    hours: parseList(HOURS, fields.hours),
    dayOfMonth: parseDayOfMonth(fields.dayOfMonth),
    months: parseList(MONTH, fields.month),
    dayOfWeek: parseDayOfWeek(fields.dayOfWeek),
    years: parseList(YEAR, fields.year),
  };
}
