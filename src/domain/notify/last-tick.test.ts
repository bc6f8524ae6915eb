import { describe, expect, it } from 'vitest';
import { parseScheduleExpression } from '../schedule/parse.js';
import { lastTickAtOrBefore } from './last-tick.js';

const d = (s: string) => new Date(s);
const old = { anchor: d('2020-01-01T00:00:00Z'), notBefore: d('2020-01-01T00:00:00Z') };
const last = (expr: string, at: string, options: Partial<Parameters<typeof lastTickAtOrBefore>[2]> = {}) =>
  lastTickAtOrBefore(parseScheduleExpression(expr), d(at), { ...old, ...options })?.toISOString();

describe('lastTickAtOrBefore', () => {
  it('finds the latest cron tick at or before the instant', () => {
    expect(last('cron(0 12 * * ? *)', '2027-01-04T13:00:00Z')).toBe('2027-01-04T12:00:00.000Z');
    expect(last('cron(0 12 * * ? *)', '2027-01-04T12:00:00Z')).toBe('2027-01-04T12:00:00.000Z');
    expect(last('cron(0 12 * * ? *)', '2027-01-04T11:59:59Z')).toBe('2027-01-03T12:00:00.000Z');
    expect(last('cron(0/5 * * * ? *)', '2027-01-04T10:07:00Z')).toBe('2027-01-04T10:05:00.000Z');
    expect(last('cron(0 9 1 1 ? *)', '2027-06-01T00:00:00Z')).toBe('2027-01-01T09:00:00.000Z');
  });

  it('reads cron fields in the curation’s time zone', () => {
    expect(last('cron(0 9 * * ? *)', '2027-07-01T12:00:00Z', { timezone: 'Europe/London' })).toBe('2027-07-01T08:00:00.000Z');
  });

  it('counts rate ticks from the anchor', () => {
    const anchor = d('2027-01-04T10:00:30Z');
    expect(last('rate(5 minutes)', '2027-01-04T10:12:00Z', { anchor })).toBe('2027-01-04T10:10:30.000Z');
    expect(last('rate(5 minutes)', '2027-01-04T10:00:00Z', { anchor })).toBeUndefined();
  });

  it('ignores ticks before notBefore (the definition changed after them)', () => {
    expect(last('cron(0 12 * * ? *)', '2027-01-04T13:00:00Z', { notBefore: d('2027-01-04T12:30:00Z') })).toBeUndefined();
    expect(last('cron(0 12 * * ? *)', '2027-01-05T13:00:00Z', { notBefore: d('2027-01-04T12:30:00Z') })).toBe('2027-01-05T12:00:00.000Z');
    expect(last('cron(0 12 * * ? 2020)', '2027-01-04T13:00:00Z')).toBeUndefined();
  });
});
