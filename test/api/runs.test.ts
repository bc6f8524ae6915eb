import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitScript } from '../helpers/git.js';
import { sampleDefinition } from '../helpers/definitions.js';
import { bodyOf, startTestServer, waitForRecord, type TestServer } from './harness.js';

const TYPE = 'wildrydes-rydebooking';
const SLOW_SQL = 'select count(*) from range(1000000000) a, range(1000000000) b';

describe('HTTP API: runs, cancel, backfills, schedule, metrics', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    commitScript(t.home, 'tests/slow.sql', SLOW_SQL);
    const sample = sampleDefinition();
    await t.json('/api/v1/curations/slow', {
      method: 'PUT',
      body: JSON.stringify({ ...sample, curationType: 'slow', sqlFilePath: 'tests/slow.sql' }),
      expect: 201,
    });
    // The runs below pass `region`: a curation takes only the parameters it declares.
    await t.json(`/api/v1/curations/${TYPE}`, { method: 'PUT', body: JSON.stringify({ ...sample, parameters: { region: { type: 'string', default: 'us' } } }), expect: 200 });
  });

  it('refuses a parameter the curation does not declare (400 naming it), queueing nothing', async () => {
    const res = await t.api(`/api/v1/curations/${TYPE}/runs`, { method: 'POST', body: JSON.stringify({ parameters: { nope: 'x' } }) });
    expect(res.status).toBe(400);
    const body = await bodyOf(res);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.issues).toEqual([expect.objectContaining({ path: 'parameters.nope', message: expect.stringMatching(/unknown parameter 'nope'/) })]);
    // A backfill's, dry run or not, before any fire time is looked at.
    const backfill = await t.api(`/api/v1/curations/${TYPE}/backfills`, {
      method: 'POST',
      body: JSON.stringify({ from: '2027-01-01T00:00:00Z', to: '2027-01-01T00:05:00Z', dryRun: true, parameters: { nope: 'x' } }),
    });
    expect(backfill.status).toBe(400);
    expect((await bodyOf(backfill)).error.issues).toEqual([expect.objectContaining({ path: 'parameters.nope' })]);
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  it('starts a run (202 + Location), which runs in the background and ends succeeded with its record', async () => {
    const res = await t.api(`/api/v1/curations/${TYPE}/runs`, { method: 'POST', body: JSON.stringify({ parameters: { region: 'eu' } }) });
    expect(res.status).toBe(202);
    const { curationExecutionName: name, status } = await bodyOf(res);
    expect(status).toBe('queued');
    expect(name).toMatch(/^\d{14}[A-Z0-9]{6}_wildrydes_rydebooking$/);
    expect(res.headers.get('location')).toBe(`/api/v1/runs/${name}`);
    const run = await waitForRecord(t, name);
    expect(run).toMatchObject({ curationExecutionName: name, status: 'succeeded', step: 'record', trigger: 'api', parameters: { region: 'eu' } });
    expect(run.record).toMatchObject({ curationType: TYPE, status: 'succeeded', trigger: 'api', parameters: { region: 'eu' } });
    expect(run.record.rowCount).toBeGreaterThan(0);
    expect(run.record.bytesWritten).toBeGreaterThan(0);
    expect(run.record.curationOutputLocation).toMatch(/^file:\/\//);
    expect(run.sqlFilePath).toBe('wildrydes/rydebooking-curation.sql');
    expect(run.renderedSql).toMatch(/select/i);
    expect(run.sqlSha256).toBe(run.record.sqlSha256);

    const script = await t.json(`/api/v1/runs/${name}/script`);
    expect(script.commitId).toBe(run.record.scriptFileCommitId);
    // A later commit does not change what the run shows.
    commitScript(t.home, 'wildrydes/rydebooking-curation.sql', 'select 1 as changed');
    expect(await t.json(`/api/v1/runs/${name}/script`)).toEqual(script);
    expect((await t.json(`/api/v1/curations/${TYPE}/script`)).text).toBe('select 1 as changed');

    const summary = await t.json(`/api/v1/curations/${TYPE}`);
    expect(summary.lastRun.curationExecutionName).toBe(name);
    expect(summary.recent).toEqual({ runs: 1, succeeded: 1, successRate: 1 });
  });

  it('refuses runs of unknown curations (404) and bad bodies (400 with paths)', async () => {
    expect((await t.api('/api/v1/curations/nope/runs', { method: 'POST' })).status).toBe(404);
    const bad = await t.api(`/api/v1/curations/${TYPE}/runs`, { method: 'POST', body: JSON.stringify({ parameters: { 'bad name': 1 }, extra: true }) });
    expect(bad.status).toBe(400);
    const paths = (await bodyOf(bad)).error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['extra', 'parameters["bad name"]']));
    expect((await t.api('/api/v1/runs/not-a-name!')).status).toBe(400);
    expect((await t.api('/api/v1/runs/20270104100000K3QZ8A_nothing')).status).toBe(404);
  });

  it('cancels a running run: it ends cancelled, and a second cancel is a 409', async () => {
    const { curationExecutionName: name } = await t.json('/api/v1/curations/slow/runs', { method: 'POST', expect: 202 });
    for (let i = 0; ; i++) {
      const run = await t.json(`/api/v1/runs/${name}`);
      if (run.step === 'awaitQuery' && run.status === 'running') break;
      if (i > 1500) throw new Error(`run ${name} never reached its query: ${JSON.stringify(run)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const active = await t.json('/api/v1/runs');
    expect(active.runs.map((r: { curationExecutionName: string }) => r.curationExecutionName)).toContain(name);
    // overlap (default skip) holds for API runs: a second one is refused, naming the active run, and nothing is stored.
    const second = await t.api('/api/v1/curations/slow/runs', { method: 'POST' });
    expect(second.status).toBe(409);
    expect((await bodyOf(second)).error).toMatchObject({ code: 'OVERLAP_SKIPPED', message: expect.stringContaining(name) });
    expect((await t.json('/api/v1/runs')).runs.filter((r: { curationType: string }) => r.curationType === 'slow')).toHaveLength(1);
    expect(await t.json(`/api/v1/runs/${name}/cancel`, { method: 'POST', expect: 202 })).toEqual({ curationExecutionName: name, status: 'cancelling' });
    // The query is a 10^18-row join: a record at all means the cancel stopped it.
    const run = await waitForRecord(t, name);
    expect(run.record).toMatchObject({ status: 'cancelled', error: 'QUERY_CANCELLED' });
    const again = await t.api(`/api/v1/runs/${name}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await bodyOf(again)).error.message).toMatch(/already ended with status cancelled/);
    expect((await t.api('/api/v1/runs/20270104100000K3QZ8A_nothing/cancel', { method: 'POST' })).status).toBe(404);
  });

  it('cancels a queued run nobody executes yet (queued by the CLI)', async () => {
    const { createRun } = await import('../../src/engine/create-run.js');
    const run = await createRun({ ...t.project, queue: t.project.scheduling }, { curationType: 'slow', trigger: 'manual' });
    await t.json(`/api/v1/runs/${run.executionName}/cancel`, { method: 'POST', expect: 202 });
    const done = await waitForRecord(t, run.executionName);
    expect(done.record).toMatchObject({ status: 'cancelled', trigger: 'manual' });
    expect(done.record.athenaQueryExecutionId).toBeUndefined();
  });

  it('plans and queues a backfill: one run per fire time, trigger backfill', async () => {
    const body = { from: '2027-01-01T00:00:00Z', to: '2027-01-03T23:59:59Z' };
    // The sample fires every minute of every third hour: far more than the default limit.
    const tooMany = await t.api(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify({ ...body, dryRun: true }) });
    expect(tooMany.status).toBe(400);
    expect((await bodyOf(tooMany)).error.issues).toEqual([{ path: 'to', message: expect.stringMatching(/more than 1000 fire times/) }]);
    const def = await t.json(`/api/v1/curations/${TYPE}`);
    await t.json(`/api/v1/curations/${TYPE}`, { method: 'PUT', body: JSON.stringify({ ...def.definition, cronExpression: 'cron(0 12 * * ? *)' }) });
    const plan = await t.json(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify({ ...body, dryRun: true }) });
    const expected = ['2027-01-01T12:00:00.000Z', '2027-01-02T12:00:00.000Z', '2027-01-03T12:00:00.000Z'];
    expect(plan).toEqual({ count: 3, scheduledTimes: expected, ticks: expected.map((scheduledTime) => ({ scheduledTime, status: 'pending' })), runs: [] });
    expect((await t.json('/api/v1/runs')).runs).toEqual([]);

    const queued = await t.json(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify(body), expect: 202 });
    expect(queued.scheduledTimes).toEqual(expected);
    expect(queued.runs.map((r: { scheduledTime: string }) => r.scheduledTime)).toEqual(expected);
    // The same range again while they run: nothing is queued twice.
    const again = await t.json(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify(body), expect: 202 });
    expect(again.runs.length).toBe(0);
    const records = await Promise.all(queued.runs.map((r: { curationExecutionName: string }) => waitForRecord(t, r.curationExecutionName)));
    for (const [i, r] of records.entries()) {
      expect(r.record).toMatchObject({ status: 'succeeded', trigger: 'backfill', scheduledTime: queued.scheduledTimes[i] });
    }
    // Once they succeeded, as `adp backfill`: left alone unless rerun.
    const done = await t.json(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify(body), expect: 202 });
    expect(done.ticks.map((x: { status: string }) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(done.runs).toEqual([]);
    const rerun = await t.json(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify({ ...body, rerun: true }), expect: 202 });
    expect(rerun.runs).toHaveLength(3);
    await Promise.all(rerun.runs.map((r: { curationExecutionName: string }) => waitForRecord(t, r.curationExecutionName)));
    const overMax = await t.api(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify({ ...body, to: '2030-01-01T00:00:00Z', maxRuns: 10 }) });
    expect(overMax.status).toBe(400);
    expect((await bodyOf(overMax)).error.issues).toEqual([{ path: 'to', message: expect.stringMatching(/more than 10 fire times/) }]);
    const badDates = await t.api(`/api/v1/curations/${TYPE}/backfills`, { method: 'POST', body: JSON.stringify({ from: 'yesterday', to: 5 }) });
    expect((await bodyOf(badDates)).error.issues.map((i: { path: string }) => i.path)).toEqual(['from', 'to']);
  });

  it('computes next fire times of an expression in a zone, and names bad inputs', async () => {
    const q = new URLSearchParams({ expression: 'cron(30 2 * * ? *)', timezone: 'America/New_York', from: '2030-03-09T12:00:00Z', count: '2' });
    const next = await t.json(`/api/v1/schedule/next?${q}`);
    expect(next).toEqual({
      expression: 'cron(30 2 * * ? *)',
      timezone: 'America/New_York',
      // 2030-03-10 has no 02:30 in New York (DST starts), so it does not fire that day.
      fireTimes: ['2030-03-11T06:30:00.000Z', '2030-03-12T06:30:00.000Z'],
    });
    const bad = await t.api('/api/v1/schedule/next?expression=cron(nope)&timezone=Mars/Base&count=0');
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).error.issues.map((i: { path: string }) => i.path)).toEqual(['count']);
    const badExpr = await t.api('/api/v1/schedule/next?expression=cron(nope)');
    expect((await bodyOf(badExpr)).error.issues[0].path).toBe('expression');
    const badZone = await t.api('/api/v1/schedule/next?expression=rate(5%20minutes)&timezone=Mars/Base');
    expect((await bodyOf(badZone)).error.issues[0].path).toBe('timezone');
  });

  it('exports run counters, durations and in-flight gauges on /metrics', async () => {
    const text = await (await t.api('/metrics', { auth: false })).text();
    expect(text).toMatch(/adp_runs_total\{curation="wildrydes-rydebooking",status="succeeded"\} [4-9]/);
    expect(text).toMatch(/adp_runs_total\{curation="slow",status="cancelled"\} 2/);
    expect(text).toMatch(/adp_run_duration_seconds_count\{curation="wildrydes-rydebooking",status="succeeded"\} [4-9]/);
    expect(text).toMatch(/^adp_runs_running 0$/m);
    expect(text).toMatch(/^adp_outbox_pending 0$/m);
    expect(text).toMatch(/^adp_runs_queued 0$/m);
    // A second scrape counts nothing twice.
    const again = await (await t.api('/metrics', { auth: false })).text();
    expect(again.match(/adp_runs_total\{curation="slow",status="cancelled"\} \d+/)?.[0]).toBe('adp_runs_total{curation="slow",status="cancelled"} 2');
    t.server.metrics.recordScheduleLag(TYPE, 0.25);
    expect(await (await t.api('/metrics', { auth: false })).text()).toMatch(/adp_schedule_lag_seconds\{curation="wildrydes-rydebooking"\} 0.25/);
  });
});
