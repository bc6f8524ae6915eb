import type { CompiledCron } from './cron-fields.js';

const list = (values: ReadonlySet<number>): string => [...values].sort((a, b) => a - b).join(',');

/**
 * A croner 7-part pattern (seconds first, Quartz weekday numbers 1 = Sunday)
 * equivalent to the compiled fields. Lists are spelled out so croner never
 * interprets names, reversed ranges or `L` alone differently from us.
 */
export function toCronerPattern(c: CompiledCron): string {
  const dom = c.dayOfMonth;
  const dayOfMonth =
    dom.kind === 'any' ? '*' : dom.kind === 'days' ? list(dom.days) : dom.kind === 'last' ? 'L' : dom.kind === 'lastWeekday' ? 'LW' : `${dom.day}W`;
  const dow = c.dayOfWeek;
  const dayOfWeek =
    dow.kind === 'any' ? '*' : dow.kind === 'weekdays' ? list(dow.weekdays) : dow.kind === 'lastOfMonth' ? `${dow.weekday}L` : `${dow.weekday}#${dow.nth}`;
  return ['0', list(c.minutes), list(c.hours), dayOfMonth, list(c.months), dayOfWeek, list(c.years)].join(' ');
}
