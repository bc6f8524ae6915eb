import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/adapters/sqlite/sqlite-state-store.js';
import type { HistoryRecord } from '../../src/domain/history.js';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { writeDefinition } from '../helpers/definitions.js';
import { commitScript } from '../helpers/git.js';
import { patchConfig, pause, secondsFromNow, startServeProcess, type ServeProcess } from '../helpers/serve-process.js';

// Real `adp serve` processes (the built CLI) on one home: ticks of rate(1 minute)
// curations anchored a few seconds ahead, so each test sees its tick quickly.

const SLOW_SQL = 'select count(*) as n from range(300000000) t(i) where hash(i) % 7 = 0';

describe('adp serve (real processes)', () => {
  let home: string;
  let state: SqliteStateStore;
  const servers: ServeProcess[] = [];

  beforeAll(async () => {
    home = await exampleHome(50);
    expect((await adp(['--home', home, 'curation', 'rm', 'wildrydes-rydebooking'])).code).toBe(0);
    patchConfig(home, { leaseSeconds: 2, scheduler: { pollMs: 100, misfireGraceMs: 1000, shutdownGraceSeconds: 10 } });
    commitScript(home, 'slow.sql', SLOW_SQL);
    state = SqliteStateStore.open(path.join(home, 'state.db'));
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      await s.exited;
    }
  });
  afterAll(async () => {
    await state.close();
    cleanup(home);
  });

  async function put(curationType: string, patch: Record<string, unknown>): Promise<void> {
    const file = writeDefinition(home, { curationType, cronExpression: 'rate(1 minute)', ...patch });
    const r = await adp(['--home', home, 'curation', 'put', file]);
    expect(r.code, r.stderr).toBe(0);
    fs.rmSync(file);
  }
  async function records(curationType: string): Promise<HistoryRecord[]> {
    return (await state.listHistory({ curationType, limit: 100 })).records;
  }
  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const got = await probe();
      if (got !== undefined) return got;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await pause(100);
    }
  }
  async function serve(): Promise<ServeProcess> {
    const s = await startServeProcess(home);
    servers.push(s);
    return s;
  }

  it('two servers on one home run a tick exactly once; each exits 0 on SIGTERM', async () => {
    const tick = secondsFromNow(3000);
    await put('twice', { startDate: tick });
    const [a, b] = await Promise.all([serve(), serve()]);
    await until('the tick run', async () => ((await records('twice')).length > 0 ? true : undefined));
    await pause(1500);
    const got = await records('twice');
    expect(got.map((r) => [r.scheduledTime, r.trigger, r.status])).toEqual([[tick, 'schedule', 'succeeded']]);
    const logged = [...a!.lines, ...b!.lines].filter((l) => / run succeeded twice /.test(l));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`scheduled=${tick}`);
    a!.child.kill('SIGTERM');
    b!.child.kill('SIGTERM');
    expect(await a!.exited).toBe(0);
    expect(await b!.exited).toBe(0);
    expect(a!.lines.at(-1)).toBe('adp serve: stopped');
  });

  it('resumes a run cut off by a killed server after its lease, once, and never re-runs a claimed tick', async () => {
    const tick = secondsFromNow(2500);
    await put('cutoff', { sqlFilePath: 'slow.sql', startDate: tick });
    const first = await serve();
    const running = await until('the run to reach its query', async () =>
      (await state.listActiveRuns()).find((r) => r.curationType === 'cutoff' && r.step === 'awaitQuery'),
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await serve();
    await second.waitFor(new RegExp(`run resumed cutoff ${running.executionName} at step awaitQuery`));
    const record = await until('the resumed run to end', async () => (await records('cutoff'))[0], 20_000);
    expect(record).toMatchObject({ curationExecutionName: running.executionName, status: 'succeeded', scheduledTime: tick, rowCount: 1 });
    await pause(500);
    expect(await records('cutoff')).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('takes definition changes without a restart, and catches up a tick missed while it was down', async () => {
    const past = new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000).toISOString();
    await put('missed', { startDate: past });
    await put('moved', { startDate: secondsFromNow(3_600_000) });
    await put('paused', { startDate: secondsFromNow(3_600_000) });
    const s = await serve();
    await s.waitFor(/ run succeeded missed .*trigger=schedule/);
    expect((await records('missed')).map((r) => r.scheduledTime)).toEqual([past]);
    expect(s.lines.some((l) => / tick caught up missed /.test(l))).toBe(true);

    const soon = secondsFromNow(2000);
    await put('moved', { startDate: soon });
    await put('paused', { startDate: soon, enabled: false });
    await put('added', { startDate: soon });
    await s.waitFor(/ run succeeded moved /);
    await s.waitFor(/ run succeeded added /);
    await pause(800);
    expect((await records('moved')).map((r) => r.scheduledTime)).toEqual([soon]);
    expect((await records('added')).map((r) => r.scheduledTime)).toEqual([soon]);
    expect(await records('paused')).toEqual([]);

    const queued = await adp(['--home', home, 'run', 'paused']);
    expect(queued.stderr).toMatch(/adp serve.*will execute it/);
    await s.waitFor(/ run succeeded paused .*trigger=manual/);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('lets SIGTERM wait for a run in flight to finish before exiting 0', async () => {
    await put('manual-slow', { sqlFilePath: 'slow.sql', enabled: false });
    // A grace far above the query's time even on a loaded machine: the test is that SIGTERM waits, not how fast.
    patchConfig(home, { scheduler: { pollMs: 100, misfireGraceMs: 1000, shutdownGraceSeconds: 300 } });
    const s = await serve();
    patchConfig(home, { scheduler: { pollMs: 100, misfireGraceMs: 1000, shutdownGraceSeconds: 10 } });
    const r = await adp(['--home', home, 'run', 'manual-slow']);
    expect(r.code).toBe(0);
    const name = r.stdout.trim();
    await until('the manual run to start', async () => ((await state.getRun(name))?.step === 'awaitQuery' ? true : undefined));
    s.child.kill('SIGTERM');
    await s.waitFor(/SIGTERM: stopping, waiting up to 300 s for 1 run/);
    expect(await s.exited).toBe(0);
    expect(await state.getHistoryRecord(name)).toMatchObject({ status: 'succeeded', trigger: 'manual' });
  }, 120_000);

  it('says when no server is running for the home', async () => {
    const r = await adp(['--home', home, 'run', 'paused']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no `adp serve` is running for this home/);
  });
});
