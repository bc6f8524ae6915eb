import { compileCron } from './cron-fields.js';
import { ScheduleSyntaxError } from './schedule-syntax-error.js';
import type { CronFields, RateUnit, ScheduleExpression } from './types.js';

export type { CronFields, RateUnit, ScheduleExpression } from './types.js';

const UNIT_MS: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function parseCron(source: string, body: string): ScheduleExpression {
  const parts = body.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 6) {
    throw new ScheduleSyntaxError(
      `expected cron(minutes hours day-of-month month day-of-week year) with 6 fields, got ${parts.length}`,
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = parts;
  const fields: CronFields = { minutes, hours, dayOfMonth, month, dayOfWeek, year };
  compileCron(fields);
  return { kind: 'cron', fields, source };
}

function parseRate(source: string, body: string): ScheduleExpression {
  const parts = body.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 2) throw new ScheduleSyntaxError(`expected rate(value unit), e.g. rate(5 minutes), got ${parts.length} parts`);
  const [valueText = '', unitText = ''] = parts;
  if (!/^\d+$/.test(valueText) || Number(valueText) < 1) throw new ScheduleSyntaxError('rate value must be a whole number >= 1');
  const value = Number(valueText);
  const singular = unitText.toLowerCase().replace(/s$/, '') as RateUnit;
  if (!(singular in UNIT_MS)) throw new ScheduleSyntaxError('rate unit must be minute(s), hour(s) or day(s)');
  const plural = unitText.toLowerCase().endsWith('s');
  if (value === 1 && plural) throw new ScheduleSyntaxError(`rate unit must be "${singular}" when the value is 1`);
  if (value > 1 && !plural) throw new ScheduleSyntaxError(`rate unit must be "${singular}s" when the value is greater than 1`);
  const everyMs = value * UNIT_MS[singular];
  if (!Number.isSafeInteger(everyMs)) throw new ScheduleSyntaxError(`rate value ${valueText} is too large`);
  return { kind: 'rate', value, unit: singular, everyMs, source };
}

/**
 * Parses an EventBridge Scheduler `cron(...)` or `rate(...)` expression.
 * Throws {@link ScheduleSyntaxError} whose message names the field and the reason.
 *
 * @example
 * parseScheduleExpression('cron(0 12 ? * MON-FRI *)') // { kind: 'cron', fields: { minutes: '0', ... } }
 * parseScheduleExpression('rate(5 minutes)')          // { kind: 'rate', value: 5, unit: 'minute', everyMs: 300000 }
 */
export function parseScheduleExpression(expr: string): ScheduleExpression {
  const m = /^(cron|rate)\((.*)\)$/s.exec(expr);
  if (!m) {
    throw new ScheduleSyntaxError('schedule must be cron(minutes hours day-of-month month day-of-week year) or rate(value unit), e.g. cron(0 12 * * ? *) or rate(5 minutes)');
  }
  return m[1] === 'cron' ? parseCron(expr, m[2] ?? '') : parseRate(expr, m[2] ?? '');
}
