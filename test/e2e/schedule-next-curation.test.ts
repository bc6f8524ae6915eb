import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { writeDefinition } from '../helpers/definitions.js';

describe('adp schedule next <curation>', () => {
  let home: string;
  beforeAll(async () => {
    home = await exampleHome(10);
    for (const patch of [
      { curationType: 'kathmandu', cronExpression: 'cron(0 9 * * ? *)', timezone: 'Asia/Kathmandu' },
      { curationType: 'hourly', cronExpression: 'rate(1 hour)', startDate: '2027-01-01T00:20:00Z' },
    ]) {
      expect((await adp(['--home', home, 'curation', 'put', writeDefinition(home, patch)])).code).toBe(0);
    }
  });
  afterAll(() => cleanup(home));

  it('reads cron fields in the curation time zone unless --tz says otherwise', async () => {
    const r = await adp(['--home', home, 'schedule', 'next', 'kathmandu', '--from', '2027-01-04T00:00:00Z', '--count', '1', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(['2027-01-04T03:15:00.000Z']);
    const utc = await adp(['--home', home, 'schedule', 'next', 'kathmandu', '--from', '2027-01-04T00:00:00Z', '--count', '1', '--json', '--tz', 'UTC']);
    expect(JSON.parse(utc.stdout)).toEqual(['2027-01-04T09:00:00.000Z']);
  });

  it('counts rate() from the start date, and fires nothing before it', async () => {
    const r = await adp(['--home', home, 'schedule', 'next', 'hourly', '--from', '2026-06-01T00:00:00Z', '--count', '2', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(['2027-01-01T00:20:00.000Z', '2027-01-01T01:20:00.000Z']);
    const later = await adp(['--home', home, 'schedule', 'next', 'hourly', '--from', '2027-03-01T10:30:00Z', '--count', '1', '--json']);
    expect(JSON.parse(later.stdout)).toEqual(['2027-03-01T11:20:00.000Z']);
  });
});

describe('adp curation list shows the next fire time the scheduler will use', () => {
  it('reads cron fields in the curation time zone and respects its start date', async () => {
    const home = await exampleHome(5);
    try {
      const def = JSON.parse((await adp(['--home', home, 'curation', 'show', 'wildrydes-rydebooking', '--json'])).stdout).definition;
      const later = new Date(Date.now() + 3 * 86_400_000);
      later.setUTCHours(0, 0, 0, 0);
      const patched = { ...def, cronExpression: 'cron(0 9 * * ? *)', timezone: 'Asia/Kathmandu', startDate: later.toISOString() };
      expect((await adp(['--home', home, 'curation', 'put', '-'], JSON.stringify(patched))).code).toBe(0);
      const [listed] = JSON.parse((await adp(['--home', home, 'curation', 'list', '--json'])).stdout);
      // 09:00 in Kathmandu (UTC+05:45) is 03:15 UTC, on the first day at or after the start date.
      const expected = new Date(later);
      expected.setUTCHours(3, 15, 0, 0);
      expect(listed.nextFireTime).toBe(expected.toISOString());
      const table = await adp(['--home', home, 'curation', 'list']);
      expect(table.stdout).toContain(expected.toISOString().replace('T', ' ').slice(0, 19));
    } finally {
      cleanup(home);
    }
  });
});
