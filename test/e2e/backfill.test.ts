import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/adapters/sqlite/sqlite-state-store.js';
import { newRun } from '../../src/engine/create-run.js';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { writeDefinition } from '../helpers/definitions.js';

const DAYS = ['2027-01-01T12:00:00.000Z', '2027-01-02T12:00:00.000Z', '2027-01-03T12:00:00.000Z'];

describe('adp backfill', () => {
  let home: string;
  const args = (...extra: string[]) => ['--home', home, 'backfill', 'daily', '--from', '2027-01-01T00:00:00Z', '--to', '2027-01-03T23:59:59Z', ...extra];

  beforeAll(async () => {
    home = await exampleHome(30);
    const file = writeDefinition(home, { curationType: 'daily', cronExpression: 'cron(0 12 * * ? *)', enabled: false });
    expect((await adp(['--home', home, 'curation', 'put', file])).code).toBe(0);
  });
  afterAll(() => cleanup(home));

  it('lists what it would do with --dry-run, and runs nothing', async () => {
    const r = await adp([...args('--dry-run', '--json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(DAYS.map((scheduledTime) => ({ scheduledTime, status: 'pending' })));
    expect(JSON.parse((await adp(['--home', home, 'history', 'daily', '--json'])).stdout)).toEqual([]);
  });

  it('runs one backfill run per tick, each with its own scheduledTime, with bounded concurrency', async () => {
    const r = await adp([...args('--concurrency', '2', '--json')]);
    expect(r.code, r.stderr).toBe(0);
    const records = JSON.parse(r.stdout) as { scheduledTime: string; trigger: string; status: string }[];
    expect(records.map((x) => [x.scheduledTime, x.trigger, x.status])).toEqual(DAYS.map((d) => [d, 'backfill', 'succeeded']));
    expect(r.stderr).toMatch(/\[3\/3\] .* succeeded/);
    expect(r.stderr).toMatch(/3 succeeded, 0 not, 0 skipped/);
  });

  it('skips ticks that already succeeded, unless --rerun', async () => {
    const again = await adp(args());
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/0 run\(s\) of 3 tick\(s\)/);
    const dry = await adp(args('--dry-run'));
    expect(dry.stdout.match(/skip \(succeeded before\)/g)).toHaveLength(3);
    const rerun = await adp(args('--rerun', '--json'));
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toHaveLength(3);
  });

  it('resumes the runs of an interrupted backfill instead of starting them twice', async () => {
    const from = '2027-02-01T00:00:00Z';
    const store = SqliteStateStore.open(path.join(home, 'state.db'));
    const left = newRun({ curationType: 'daily', trigger: 'backfill', scheduledTime: new Date('2027-02-01T12:00:00Z') }, new Date());
    try {
      await store.createRun(left);
      // A lease that has already lapsed: its backfill process died.
      const now = new Date();
      await store.scheduling.claimRun(left.executionName, { owner: 'dead:1', now, leaseUntil: new Date(now.getTime() - 1) });
    } finally {
      await store.close();
    }
    const dry = await adp(['--home', home, 'backfill', 'daily', '--from', from, '--to', '2027-02-01T23:00:00Z', '--dry-run']);
    expect(dry.stdout).toContain(`resume ${left.executionName}`);
    const r = await adp(['--home', home, 'backfill', 'daily', '--from', from, '--to', '2027-02-01T23:00:00Z', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { curationExecutionName: string }) => x.curationExecutionName)).toEqual([left.executionName]);
  });

  it('refuses bad ranges and unknown curations with exit 2', async () => {
    expect((await adp(['--home', home, 'backfill', 'daily', '--from', 'yesterday', '--to', '2027-01-01T00:00:00Z'])).code).toBe(2);
    const tooMany = await adp(['--home', home, 'backfill', 'daily', '--from', '2000-01-01T00:00:00Z', '--to', '2099-01-01T00:00:00Z']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/more than 10000/);
    expect((await adp(['--home', home, 'backfill', 'nope', '--from', '2027-01-01T00:00:00Z', '--to', '2027-01-02T00:00:00Z'])).code).toBe(2);
  });
});
