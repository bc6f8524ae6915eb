import { describe, expect, it } from 'vitest';
import { isValidTimezone, nextFireTime, nextFireTimes } from './next-fires.js';
import { parseScheduleExpression } from './parse.js';
import { ScheduleSyntaxError } from './schedule-syntax-error.js';

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());
const fires = (expr: string, after: string, count: number, timezone?: string, anchor?: string) =>
  iso(
    nextFireTimes(parseScheduleExpression(expr), {
      after: new Date(after),
      count,
      ...(timezone ? { timezone } : {}),
      ...(anchor ? { anchor: new Date(anchor) } : {}),
    }),
  );
/** Local wall times of the fires, "YYYY-MM-DD HH:MM" in `timezone`. */
const local = (expr: string, after: string, count: number, timezone = 'UTC') =>
  fires(expr, after, count, timezone).map((s) => new Date(s).toLocaleString('sv-SE', { timeZone: timezone }).slice(0, 16));
const days = (expr: string, after: string, count: number) => local(expr, after, count).map((s) => s.slice(0, 10));

describe('day-of-month and day-of-week specials', () => {
  it('L is the last day of each month, leap years included', () => {
    expect(days('cron(0 12 L * ? *)', '2032-01-15T00:00:00Z', 3)).toEqual(['2032-01-31', '2032-02-29', '2032-03-31']);
    expect(days('cron(0 12 L 2 ? *)', '2030-01-01T00:00:00Z', 1)).toEqual(['2030-02-28']);
  });

  it('LW is the last weekday of the month', () => {
    // Mar 2030 ends on a Sunday, Aug on a Saturday, Nov on a Saturday, Jun on a Sunday.
    expect(days('cron(0 0 LW 3,6,8,11 ? 2030)', '2030-01-01T00:00:00Z', 4)).toEqual(['2030-03-29', '2030-06-28', '2030-08-30', '2030-11-29']);
  });

  it('nW is the weekday nearest day n and never leaves the month', () => {
    expect(days('cron(0 0 15W * ? 2030)', '2030-05-20T00:00:00Z', 4)).toEqual(['2030-06-14', '2030-07-15', '2030-08-15', '2030-09-16']);
    // Jun 1 2030 and Sep 1 2030 fall on a weekend: the next Monday, not the previous Friday.
    expect(days('cron(0 0 1W 6,9 ? 2030)', '2030-01-01T00:00:00Z', 2)).toEqual(['2030-06-03', '2030-09-02']);
    // Mar 31 2030 and Aug 31 2031 are Sundays: the previous Friday, not the next Monday.
    expect(days('cron(0 0 31W 3 ? 2030)', '2030-01-01T00:00:00Z', 1)).toEqual(['2030-03-29']);
    expect(days('cron(0 0 31W 8 ? 2031)', '2031-01-01T00:00:00Z', 1)).toEqual(['2031-08-29']);
    expect(days('cron(0 0 30W 6 ? 2030)', '2030-01-01T00:00:00Z', 1)).toEqual(['2030-06-28']);
  });

  it('nW does not fire in months without day n', () => {
    expect(days('cron(0 0 31W * ? 2030)', '2030-03-30T00:00:00Z', 3)).toEqual(['2030-05-31', '2030-07-31', '2030-08-30']);
  });

  it('nL is the last such weekday of the month (6L = last Friday)', () => {
    expect(days('cron(0 18 ? * 6L *)', '2030-01-01T00:00:00Z', 3)).toEqual(['2030-01-25', '2030-02-22', '2030-03-29']);
    expect(days('cron(0 18 ? * FRIL *)', '2030-01-01T00:00:00Z', 3)).toEqual(['2030-01-25', '2030-02-22', '2030-03-29']);
  });

  it('n#k is the k-th such weekday of the month (2#3 = third Monday)', () => {
    expect(days('cron(0 9 ? * 2#3 *)', '2030-01-01T00:00:00Z', 2)).toEqual(['2030-01-21', '2030-02-18']);
    // Months without a fifth Sunday are skipped.
    expect(days('cron(0 9 ? * SUN#5 2030)', '2030-01-01T00:00:00Z', 2)).toEqual(['2030-03-31', '2030-06-30']);
  });

  it('day-of-week numbers run 1 = SUN to 7 = SAT, and L alone is Saturday', () => {
    expect(days('cron(0 0 ? * 1,7 *)', '2030-01-01T00:00:00Z', 2)).toEqual(['2030-01-05', '2030-01-06']);
    expect(days('cron(0 0 ? * L *)', '2030-01-01T00:00:00Z', 2)).toEqual(['2030-01-05', '2030-01-12']);
  });

  it('names mean the same as numbers, in any case', () => {
    const after = '2030-01-01T00:00:00Z';
    expect(fires('cron(0 9 ? jan,Jul MON-FRI *)', after, 30)).toEqual(fires('cron(0 9 ? 1,7 2-6 *)', after, 30));
  });
});

describe('lists, ranges and increments', () => {
  it('a/n runs from a to the end of the field', () => {
    expect(local('cron(50/5 10 * * ? *)', '2030-01-01T00:00:00Z', 3)).toEqual(['2030-01-01 10:50', '2030-01-01 10:55', '2030-01-02 10:50']);
  });
  it('a-b/n and lists combine', () => {
    expect(local('cron(0 1-9/4,23 * * ? *)', '2030-01-01T00:00:00Z', 4)).toEqual(['2030-01-01 01:00', '2030-01-01 05:00', '2030-01-01 09:00', '2030-01-01 23:00']);
  });
  it('fires strictly after `after`', () => {
    expect(fires('cron(0 12 * * ? *)', '2030-01-01T12:00:00Z', 1)).toEqual(['2030-01-02T12:00:00.000Z']);
    expect(fires('cron(0 12 * * ? *)', '2030-01-01T11:59:59.999Z', 1)).toEqual(['2030-01-01T12:00:00.000Z']);
  });
});

describe('years', () => {
  it('2199 is the last year; then the schedule ends', () => {
    expect(fires('cron(0 0 31 12 ? *)', '2197-06-01T00:00:00Z', 5)).toEqual(['2197-12-31T00:00:00.000Z', '2198-12-31T00:00:00.000Z', '2199-12-31T00:00:00.000Z']);
    expect(nextFireTime(parseScheduleExpression('cron(0 0 31 12 ? *)'), { after: new Date('2199-12-31T00:00:00Z') })).toBeUndefined();
  });
  it('the year is the local year', () => {
    // 2199-12-31 23:00 in Kathmandu is 17:15 UTC the same day; 2200 local never comes.
    expect(local('cron(0 23 * * ? *)', '2199-12-30T00:00:00Z', 3, 'Asia/Kathmandu')).toEqual(['2199-12-30 23:00', '2199-12-31 23:00']);
  });
  it('a year list restricts the fires', () => {
    expect(days('cron(0 0 1 1 ? 2031,2033-2034)', '2030-01-01T00:00:00Z', 5)).toEqual(['2031-01-01', '2033-01-01', '2034-01-01']);
  });
  it('an expression that can never fire returns nothing, quickly', () => {
    expect(fires('cron(0 0 30 2 ? *)', '2030-01-01T00:00:00Z', 3)).toEqual([]);
  });
});

describe('time zones and DST', () => {
  it('reads fields in the given zone', () => {
    expect(fires('cron(0 9 * * ? *)', '2030-01-01T00:00:00Z', 1, 'Asia/Kathmandu')).toEqual(['2030-01-01T03:15:00.000Z']);
  });

  it('New York: a time in the spring-forward gap is skipped', () => {
    // 2030-03-10 02:00 EST jumps to 03:00 EDT.
    expect(local('cron(30 2 * * ? *)', '2030-03-09T00:00:00Z', 2, 'America/New_York')).toEqual(['2030-03-09 02:30', '2030-03-11 02:30']);
    expect(fires('cron(0/15 * 10 3 ? 2030)', '2030-03-09T12:00:00Z', 200, 'America/New_York')).toHaveLength(92);
  });

  it('New York: a repeated time fires once, at its first occurrence', () => {
    // 2030-11-03 02:00 EDT falls back to 01:00 EST; 01:30 happens at 05:30Z and 06:30Z.
    expect(fires('cron(30 1 * * ? *)', '2030-11-02T12:00:00Z', 2, 'America/New_York')).toEqual(['2030-11-03T05:30:00.000Z', '2030-11-04T06:30:00.000Z']);
    const everyMinute = fires('cron(* * 3 11 ? 2030)', '2030-11-03T04:59:00Z', 62, 'America/New_York');
    expect(everyMinute[59]).toBe('2030-11-03T05:59:00.000Z');
    expect(everyMinute[60]).toBe('2030-11-03T07:00:00.000Z');
    // `after` inside the second pass: the repeated times already fired.
    expect(fires('cron(30 1 * * ? *)', '2030-11-03T06:00:00Z', 1, 'America/New_York')).toEqual(['2030-11-04T06:30:00.000Z']);
  });

  it('London: gap skipped, overlap once', () => {
    expect(local('cron(30 1 * * ? *)', '2030-03-30T00:00:00Z', 2, 'Europe/London')).toEqual(['2030-03-30 01:30', '2030-04-01 01:30']);
    expect(fires('cron(30 1 27 10 ? 2030)', '2030-10-01T00:00:00Z', 2, 'Europe/London')).toEqual(['2030-10-27T00:30:00.000Z']);
  });

  it('Sydney (southern hemisphere): gap in October, overlap in April', () => {
    // 2030-10-06 02:00 AEST jumps to 03:00 AEDT; 2030-04-07 03:00 AEDT falls back to 02:00 AEST.
    expect(local('cron(30 2 * * ? *)', '2030-10-04T00:00:00Z', 2, 'Australia/Sydney')).toEqual(['2030-10-05 02:30', '2030-10-07 02:30']);
    expect(fires('cron(30 2 7 4 ? 2030)', '2030-04-01T00:00:00Z', 2, 'Australia/Sydney')).toEqual(['2030-04-06T15:30:00.000Z']);
  });

  it('Kathmandu (+05:45): the 1986 change from +05:30 skipped 00:00-00:14 local', () => {
    expect(local('cron(10 0 1 1 ? 1985-1987)', '1984-06-01T00:00:00Z', 3, 'Asia/Kathmandu')).toEqual(['1985-01-01 00:10', '1987-01-01 00:10']);
    expect(local('cron(20 0 1 1 ? 1986)', '1984-06-01T00:00:00Z', 3, 'Asia/Kathmandu')).toEqual(['1986-01-01 00:20']);
  });

  it('rejects an unknown zone', () => {
    const expr = parseScheduleExpression('cron(0 0 * * ? *)');
    expect(() => nextFireTimes(expr, { after: new Date(), count: 1, timezone: 'Mars/Olympus' })).toThrow(ScheduleSyntaxError);
    expect(() => nextFireTimes(expr, { after: new Date(), count: 1, timezone: 'Mars/Olympus' })).toThrow('timezone "Mars/Olympus" is not an IANA time zone');
  });

  it('isValidTimezone', () => {
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Sydney']) expect(isValidTimezone(tz)).toBe(true);
    for (const tz of ['', 'Mars/Olympus', '+05:00', 'New York']) expect(isValidTimezone(tz)).toBe(false);
  });
});

describe('rate expressions', () => {
  it('rate(1 minute) fires every minute after `after` by default', () => {
    expect(fires('rate(1 minute)', '2030-01-01T12:00:30Z', 3)).toEqual(['2030-01-01T12:01:30.000Z', '2030-01-01T12:02:30.000Z', '2030-01-01T12:03:30.000Z']);
  });
  it('rate(5 hours) keeps the phase of a past anchor', () => {
    expect(fires('rate(5 hours)', '2030-01-01T12:00:00Z', 3, undefined, '2030-01-01T00:00:00Z')).toEqual([
      '2030-01-01T15:00:00.000Z',
      '2030-01-01T20:00:00.000Z',
      '2030-01-02T01:00:00.000Z',
    ]);
    // A fire exactly at `after` is not "after".
    expect(fires('rate(5 hours)', '2030-01-01T15:00:00Z', 1, undefined, '2030-01-01T00:00:00Z')).toEqual(['2030-01-01T20:00:00.000Z']);
  });
  it('rate(1 day) with a future anchor first fires at the anchor, whatever the zone', () => {
    expect(fires('rate(1 day)', '2030-03-09T00:00:00Z', 3, 'America/New_York', '2030-03-09T07:00:00Z')).toEqual([
      '2030-03-09T07:00:00.000Z',
      '2030-03-10T07:00:00.000Z',
      '2030-03-11T07:00:00.000Z',
    ]);
  });
  it('count 0 returns nothing', () => {
    expect(fires('rate(1 minute)', '2030-01-01T00:00:00Z', 0)).toEqual([]);
  });
});
