import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatedQueryEngine } from '../../test/helpers/gated-query-engine.js';
import { cleanup, exampleHome } from '../../test/helpers/cli.js';
import { sampleDefinition } from '../../test/helpers/definitions.js';
import { systemClock } from '../adapters/system/system-clock.js';
import { parseCuration } from '../domain/curation.js';
import type { HistoryRecord } from '../domain/history.js';
import { homeLayout } from '../drivers/common/home.js';
import { openProject } from '../drivers/open-project.js';
import type { Project } from '../drivers/project.js';
import { createRun } from '../engine/create-run.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import type { ClaimedRun } from '../ports/run-queue.js';
import { runBackfill } from './backfill.js';
import { WorkerPool } from './worker-pool.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

describe('WorkerPool and leased execution (real SQLite, object store and git; gated query engine)', () => {
  let home: string;
  let project: Project;
  let engine: GatedQueryEngine;
  let deps: EngineDeps;
  let ended: HistoryRecord[];
  let started: ClaimedRun[];

  beforeAll(async () => {
    home = await exampleHome(10);
    project = await openProject(homeLayout(home));
    for (const t of ['c1', 'c2', 'c3', 'c4', 'c5']) {
      await project.state.putCuration(parseCuration({ ...sampleDefinition(), curationType: t, enabled: false }));
    }
  });
  afterAll(async () => {
    await project.close();
    cleanup(home);
  });
  beforeEach(() => {
    engine = new GatedQueryEngine(project.objects);
    ended = [];
    started = [];
    deps = {
      state: project.state,
      queries: engine,
      catalog: project.catalog,
      objects: project.objects,
      scripts: project.scripts,
      clock: systemClock,
      settings: { retry: { maxAttempts: 2, intervalMs: 10, backoffRate: 1 }, poll: { firstMs: 5, maxMs: 20, factor: 2 } },
      workerId: 'pool-test',
    };
  });

  function pool(max = 2, extra: { maxClaims?: number } = {}): WorkerPool {
    return new WorkerPool({
      engine: deps,
      queue: project.scheduling,
      maxConcurrentRuns: max,
      leaseMs: 400,
      pollMs: 20,
      onRunStart: (c) => started.push(c),
      onRunEnd: (r) => ended.push(r),
      ...extra,
    });
  }

  it('executes queued runs, never more than maxConcurrentRuns at once', async () => {
    const names = [];
    for (const t of ['c1', 'c2', 'c3', 'c4', 'c5']) names.push((await createRun(deps, { curationType: t, trigger: 'manual' })).executionName);
    const p = pool(2);
    p.start();
    await until('two runs in flight', () => engine.running === 2);
    await pause(100);
    expect(engine.running).toBe(2);
    expect(p.stats().active).toBe(2);
    engine.release();
    await until('all runs ended', () => ended.length === 5);
    expect(engine.maxRunning).toBe(2);
    expect(ended.map((r) => r.status)).toEqual(Array(5).fill('succeeded'));
    expect(await p.stop(1000)).toEqual([]);
    expect(new Set(ended.map((r) => r.curationExecutionName))).toEqual(new Set(names));
  });

  it('renews the lease of a long run so another worker never takes it over', async () => {
    await createRun(deps, { curationType: 'c1', trigger: 'manual' });
    const a = pool();
    a.start();
    await until('the query to start', () => engine.running === 1);
    const other = new WorkerPool({ engine: { ...deps, workerId: 'other' }, queue: project.scheduling, maxConcurrentRuns: 2, leaseMs: 400, pollMs: 20, onRunStart: (c) => started.push(c) });
    other.start();
    await pause(1200);
    expect(started.map((c) => c.claims)).toEqual([1]);
    engine.release();
    await until('the run to end', () => ended.length === 1);
    await Promise.all([a.stop(1000), other.stop(1000)]);
  });

  it('cancels a running run when asked, from any process', async () => {
    const run = await createRun(deps, { curationType: 'c1', trigger: 'manual' });
    const p = pool();
    p.start();
    await until('the query to start', () => engine.running === 1);
    await project.scheduling.requestCancel(run.executionName, 'test', new Date());
    await until('the run to end', () => ended.length === 1);
    expect(ended[0]).toMatchObject({ curationExecutionName: run.executionName, status: 'cancelled' });
    await p.stop(1000);
  });

  it('resumes a run whose worker stopped renewing its lease, and says whose it was', async () => {
    const run = await createRun(deps, { curationType: 'c2', trigger: 'manual' });
    const now = new Date();
    await project.scheduling.claimRun(run.executionName, { owner: 'dead:1', now, leaseUntil: new Date(now.getTime() + 150) });
    engine.release();
    const p = pool();
    p.start();
    await pause(80);
    expect(started).toEqual([]);
    await until('the run to end', () => ended.length === 1);
    expect(started[0]).toMatchObject({ claims: 2, previousOwner: 'dead:1' });
    expect(ended[0]?.status).toBe('succeeded');
    await p.stop(1000);
  });

  it('fails a run whose workers kept dying instead of resuming it again', async () => {
    const run = await createRun(deps, { curationType: 'c3', trigger: 'manual' });
    for (let i = 0; i < 3; i++) {
      const now = new Date();
      await project.scheduling.claimRun(run.executionName, { owner: `dead:${i}`, now, leaseUntil: now });
    }
    const p = pool(2, { maxClaims: 3 });
    p.start();
    await until('the run to end', () => ended.length === 1);
    expect(ended[0]).toMatchObject({ status: 'failed', error: 'Failed to start processing' });
    expect(ended[0]?.errorCause?.errorMessage).toMatch(/run abandoned: it was started 3 times .*\(last: dead:2\)/);
    expect(engine.maxRunning).toBe(0);
    await p.stop(1000);
  });

  it('stops claiming on stop and reports runs still in flight after the grace period', async () => {
    const run = await createRun(deps, { curationType: 'c4', trigger: 'manual' });
    const p = pool();
    p.start();
    await until('the query to start', () => engine.running === 1);
    await createRun(deps, { curationType: 'c5', trigger: 'manual' });
    expect(await p.stop(100)).toEqual([run.executionName]);
    expect(engine.running).toBe(1);
    engine.release();
    await until('the run to end', () => ended.length === 1);
    const queued = (await project.state.listActiveRuns()).filter((r) => r.curationType === 'c5');
    expect(queued.map((r) => r.status)).toEqual(['queued']);
    // Leave nothing queued for later tests.
    const cleanupPool = pool();
    engine.release();
    cleanupPool.start();
    await until('the queued run to end', () => ended.length === 2);
    await cleanupPool.stop(1000);
  });

  it('backfills with bounded concurrency, each tick a backfill run with its scheduledTime', async () => {
    const ticks = ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05'].map((d) => ({
      scheduledTime: `${d}T12:00:00.000Z`,
      status: 'pending' as const,
    }));
    const done = runBackfill(deps, project.scheduling, 'c5', ticks, { concurrency: 2, leaseMs: 400, checkMs: 20, maxClaims: 3 });
    await until('two runs in flight', () => engine.running === 2);
    await pause(100);
    engine.release();
    const records = await done;
    expect(engine.maxRunning).toBe(2);
    expect(records.map((r) => [r.trigger, r.scheduledTime, r.status])).toEqual(ticks.map((t) => ['backfill', t.scheduledTime, 'succeeded']));
  });
});
