import { describe, expect, it } from 'vitest';
import { AdpError } from '../errors.js';
import { parseScheduleExpression } from './parse.js';
import { ScheduleSyntaxError } from './schedule-syntax-error.js';

describe('parseScheduleExpression: valid', () => {
  it('splits a cron expression into its six fields', () => {
    expect(parseScheduleExpression('cron(0/15 1-5 15W JAN-MAR ? 2030)')).toEqual({
      kind: 'cron',
      fields: { minutes: '0/15', hours: '1-5', dayOfMonth: '15W', month: 'JAN-MAR', dayOfWeek: '?', year: '2030' },
      source: 'cron(0/15 1-5 15W JAN-MAR ? 2030)',
    });
  });

  it.each([
    'cron(0 12 * * ? *)',
    'cron(0 8 1 * ? *)',
    'cron(0/10 * ? * MON-FRI *)',
    'cron(0/5 8-17 ? * MON-FRI *)',
    'cron(0 9 ? * 2#1 *)',
    'cron(15 10 ? * 6L 2022-2023)',
    'cron(0 18 ? * fri#3 *)',
    'cron(0 0 L * ? *)',
    'cron(0 0 LW * ? *)',
    'cron(0 0 1W * ? *)',
    'cron(0 0 ? * L *)',
    'cron(0 0 ? * SATL *)',
    'cron(5,10-20/5,*/30 */4 ? jan,JUL-sep SUN,WED-FRI 1970,2199)',
    'cron(59 23 31 12 ? 2199)',
    'cron(  0   12 * * ?  * )',
  ])('accepts %s', (expr) => {
    expect(parseScheduleExpression(expr).kind).toBe('cron');
  });

  it.each([
    ['rate(1 minute)', 1, 'minute', 60_000],
    ['rate(5 minutes)', 5, 'minute', 300_000],
    ['rate(1 hour)', 1, 'hour', 3_600_000],
    ['rate(12 hours)', 12, 'hour', 43_200_000],
    ['rate(1 day)', 1, 'day', 86_400_000],
    ['rate(7 days)', 7, 'day', 604_800_000],
  ] as const)('parses %s', (expr, value, unit, everyMs) => {
    expect(parseScheduleExpression(expr)).toEqual({ kind: 'rate', value, unit, everyMs, source: expr });
  });
});

describe('parseScheduleExpression: invalid', () => {
  it.each([
    // [expression, text the message must contain]
    ['0 12 * * ? *', 'cron('],
    ['cron 0 12 * * ? *', 'cron('],
    ['at(2030-01-01T00:00:00)', 'rate('],
    ['cron(0 12 * * ?)', 'with 6 fields, got 5'],
    ['cron(0 12 * * ? * *)', 'with 6 fields, got 7'],
    ['cron()', 'with 6 fields, got 0'],
    ['cron(60 12 * * ? *)', 'minutes 60 out of range 0-59'],
    ['cron(-1 12 * * ? *)', 'minutes range "-1" must be start-end'],
    ['cron(0 24 * * ? *)', 'hours 24 out of range 0-23'],
    ['cron(0 12 0 * ? *)', 'day-of-month 0 out of range 1-31'],
    ['cron(0 12 32 * ? *)', 'day-of-month 32 out of range 1-31'],
    ['cron(0 12 * 13 ? *)', 'month 13 out of range 1-12'],
    ['cron(0 12 * FOO ? *)', 'month "FOO"'],
    ['cron(0 12 ? * 8 *)', 'day-of-week 8 out of range 1-7'],
    ['cron(0 12 ? * 0 *)', 'day-of-week 0 out of range 1-7'],
    ['cron(0 12 ? * FUNDAY *)', 'day-of-week "FUNDAY"'],
    ['cron(0 12 * * ? 1969)', 'year 1969 out of range 1970-2199'],
    ['cron(0 12 * * ? 2200)', 'year 2200 out of range 1970-2199'],
    ['cron(0 12 * * * *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 12 ? * ? *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 12 1 * MON *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(? 12 * * ? *)', 'not in minutes'],
    ['cron(0 ? * * ? *)', 'not in hours'],
    ['cron(0 12 * ? ? *)', 'month'],
    ['cron(0 12 * * ? ?)', 'not in year'],
    ['cron(*/0 12 * * ? *)', 'minutes increment 0'],
    ['cron(*/61 12 * * ? *)', 'minutes increment 61'],
    ['cron(*/x 12 * * ? *)', 'minutes increment "x"'],
    ['cron(0/5/5 12 * * ? *)', 'minutes "0/5/5" has more than one "/"'],
    ['cron(/5 12 * * ? *)', 'minutes "/5" needs a value'],
    ['cron(30-10 12 * * ? *)', 'minutes range "30-10" starts after it ends'],
    ['cron(0 1-2-3 * * ? *)', 'hours range "1-2-3"'],
    ['cron(0 12 * * ? 2030-)', 'year range "2030-"'],
    ['cron(1,,2 12 * * ? *)', 'minutes "1,,2" has an empty list element'],
    ['cron(0 12 1,L * ? *)', 'day-of-month "1,L"'],
    ['cron(0 12 L-3 * ? *)', 'day-of-month "L-3"'],
    ['cron(0 12 32W * ? *)', 'day-of-month 32 out of range 1-31'],
    ['cron(0 12 2#3 * ? *)', 'day-of-month "2#3"'],
    ['cron(0 12 ? * 2#6 *)', 'day-of-week "2#6": occurrence 6'],
    ['cron(0 12 ? * 8#1 *)', 'day-of-week 8 out of range 1-7'],
    ['cron(0 12 ? * 2#1,3#1 *)', 'day-of-week "2#1,3#1"'],
    ['cron(0 12 ? * 1,6L *)', 'day-of-week "1,6L"'],
    ['cron(0 12 ? * 8L *)', 'day-of-week 8 out of range 1-7'],
    ['cron(0 12 ? * 2W *)', 'day-of-week "2W"'],
    ['cron(0 12 ? * MON,? *)', 'day-of-week "MON,?"'],
    ['cron(0 L * * ? *)', 'hours "L"'],
    ['cron(0 12 * JAN#2 ? *)', 'month'],
    ['rate(0 minutes)', 'rate value must be a whole number >= 1'],
    ['rate(-5 minutes)', 'rate value must be a whole number >= 1'],
    ['rate(1.5 hours)', 'rate value must be a whole number >= 1'],
    ['rate(five minutes)', 'rate value must be a whole number >= 1'],
    ['rate(5 weeks)', 'rate unit must be minute(s), hour(s) or day(s)'],
    ['rate(5 secs)', 'rate unit must be minute(s), hour(s) or day(s)'],
    ['rate(1 minutes)', 'rate unit must be "minute" when the value is 1'],
    ['rate(5 minute)', 'rate unit must be "minutes" when the value is greater than 1'],
    ['rate(2 day)', 'rate unit must be "days"'],
    ['rate(5)', 'expected rate(value unit)'],
    ['rate(5 minutes later)', 'expected rate(value unit)'],
    ['rate(99999999999999 days)', 'rate value 99999999999999 is too large'],
  ])('rejects %s', (expr, mentions) => {
    let error: unknown;
    try {
      parseScheduleExpression(expr);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScheduleSyntaxError);
    expect((error as Error).message).toContain(mentions);
  });

  it('is a user error with a stable code', () => {
    const e = (() => {
      try {
        parseScheduleExpression('cron(0 12 ? * 8 *)');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(AdpError);
    expect(e).toMatchObject({ code: 'INVALID_SCHEDULE', isUserError: true, name: 'ScheduleSyntaxError', message: 'day-of-week 8 out of range 1-7' });
  });
});
