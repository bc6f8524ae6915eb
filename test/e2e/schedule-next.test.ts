import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';

describe('adp schedule next', () => {
  let home: string;
  beforeAll(async () => {
    home = await exampleHome(10);
  });
  afterAll(() => cleanup(home));

  it('lists fire times of an expression strictly after --from, as JSON', async () => {
    const r = await adp(['schedule', 'next', 'cron(0 12 * * ? *)', '--from', '2027-01-01T12:00:00Z', '--count', '3', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['2027-01-02T12:00:00.000Z', '2027-01-03T12:00:00.000Z', '2027-01-04T12:00:00.000Z']);
  });

  it('evaluates cron in a time zone and skips the spring-forward gap', async () => {
    const r = await adp(['schedule', 'next', 'cron(30 2 * * ? *)', '--tz', 'America/New_York', '--from', '2027-03-13T00:00:00Z', '--count', '2', '--json']);
    // 2027-03-14 02:30 does not exist in New York: it is skipped.
    expect(JSON.parse(r.stdout)).toEqual(['2027-03-13T07:30:00.000Z', '2027-03-15T06:30:00.000Z']);
  });

  it('reads a registered curation', async () => {
    const r = await adp(['--home', home, 'schedule', 'next', 'wildrydes-rydebooking', '--from', '2027-01-01T00:00:00Z', '--count', '4', '--json']);
    // cron(* 0/3 * * ? *): every minute of hours 0, 3, 6, …
    expect(JSON.parse(r.stdout)).toEqual(['2027-01-01T00:01:00.000Z', '2027-01-01T00:02:00.000Z', '2027-01-01T00:03:00.000Z', '2027-01-01T00:04:00.000Z']);
  });

  it('names the problem in a bad expression or argument', async () => {
    const bad = await adp(['schedule', 'next', 'cron(0 12 ? * 9 *)']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^expression: day-of-week 9 out of range 1-7/m);
    const tz = await adp(['schedule', 'next', 'rate(5 minutes)', '--tz', 'Mars/Olympus']);
    expect(tz.code).toBe(2);
    expect(tz.stderr).toMatch(/--tz: 'Mars\/Olympus' is not an IANA time zone/);
    const count = await adp(['schedule', 'next', 'rate(5 minutes)', '--count', '0']);
    expect(count.stderr).toMatch(/--count: must be a whole number from 1 to 1000/);
  });
});
