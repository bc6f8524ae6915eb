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
