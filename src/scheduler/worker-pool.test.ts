import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { GatedQueryEngine } from '../../test/helpers/gated-query-engine.js';
import { cleanup, exampleHome } from '../../test/helpers/cli.js';
import { sampleDefinition } from '../../test/helpers/definitions.js';
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

// The pools run on a FakeClock: polls, lease renewals, lease expiry and query checks move with the
// test's `advance`, never with the machine's speed, so a loaded machine cannot let a lease lapse.
let clock: FakeClock;

/** Waits for `probe`, moving the clock on 10 ms per look (real I/O such as git gets a real millisecond too). */
async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(10);
    await pause(1);
  }
}

/** Resolves with what `promise` resolves to, moving the clock on while it is pending. */
async function settled<T>(what: string, promise: Promise<T>): Promise<T> {
  let done: { value: T } | undefined;
  let failed: { error: unknown } | undefined;
  promise.then((value) => (done = { value }), (error: unknown) => (failed = { error }));
  await until(what, () => done !== undefined || failed !== undefined);
  if (failed) throw failed.error;
  return done!.value;
}

describe('WorkerPool and leased execution (real SQLite, object store and git; gated query engine)', () => {
  let home: string;
  let project: Project;
  let engine: GatedQueryEngine;
  let deps: EngineDeps & { queue: Project['scheduling'] };
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
    clock = new FakeClock(new Date());
    ended = [];
    started = [];
    deps = {
      state: project.state,
      queries: engine,
      catalog: project.catalog,
      objects: project.objects,
      scripts: project.scripts,
      clock,
      settings: { retry: { maxAttempts: 2, intervalMs: 10, backoffRate: 1 }, poll: { firstMs: 5, maxMs: 20, factor: 2 } },
      workerId: 'pool-test',
      queue: project.scheduling,
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
    await clock.advance(100); // five polls with three runs waiting
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
    // Three lease lengths, in poll-sized steps: the other pool looks every 20 ms, the holder renews every 133 ms.
    for (let t = 0; t < 1200; t += 20) await clock.advance(20);
    expect(engine.running).toBe(1);
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

  it('ends a run queued behind a running one (overlap queue) cancelled as soon as it is asked to, without starting its query', async () => {
    await project.state.putCuration(parseCuration({ ...sampleDefinition(), curationType: 'queued-cancel', enabled: false, overlap: 'queue' }));
    const first = await createRun(deps, { curationType: 'queued-cancel', trigger: 'manual' });
    const p = pool();
    p.start();
    await until('the first query to start', () => engine.running === 1);
    const second = await createRun(deps, { curationType: 'queued-cancel', trigger: 'manual' });
    expect(second.overlap.behind).toEqual([first.executionName]);
    await project.scheduling.requestCancel(second.executionName, 'test', new Date());
    p.notify();
    await until('the queued run to end', () => ended.length === 1);
    expect(ended[0]).toMatchObject({ curationExecutionName: second.executionName, status: 'cancelled', failedStep: 'retrieve' });
    expect(ended[0]!.athenaQueryExecutionId).toBeUndefined();
    expect(engine.maxRunning).toBe(1);
    // The run it waited behind carries on and ends as it would have.
    expect((await project.state.getRun(first.executionName))?.status).toBe('running');
    engine.release();
    await until('the first run to end', () => ended.length === 2);
    expect(ended[1]).toMatchObject({ curationExecutionName: first.executionName, status: 'succeeded' });
    await p.stop(1000);
  });

  it('resumes a run whose worker stopped renewing its lease, and says whose it was', async () => {
    const run = await createRun(deps, { curationType: 'c2', trigger: 'manual' });
    const now = clock.now();
    await project.scheduling.claimRun(run.executionName, { owner: 'dead:1', now, leaseUntil: new Date(now.getTime() + 150) });
    engine.release();
    const p = pool();
    p.start();
    await clock.advance(80); // four polls while the dead worker's lease still holds
    expect(started).toEqual([]);
    await until('the run to end', () => ended.length === 1);
    expect(started[0]).toMatchObject({ claims: 2, previousOwner: 'dead:1' });
    expect(ended[0]?.status).toBe('succeeded');
    await p.stop(1000);
  });

  it('fails a run whose workers kept dying instead of resuming it again', async () => {
    const run = await createRun(deps, { curationType: 'c3', trigger: 'manual' });
    for (let i = 0; i < 3; i++) {
      const now = clock.now();
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
    expect(await settled('the grace period to pass', p.stop(100))).toEqual([run.executionName]);
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
    await clock.advance(100); // five checks with three ticks waiting
    expect(engine.running).toBe(2);
    engine.release();
    const records = await settled('the backfill to end', done);
    expect(engine.maxRunning).toBe(2);
    expect(records.map((r) => [r.trigger, r.scheduledTime, r.status])).toEqual(ticks.map((t) => ['backfill', t.scheduledTime, 'succeeded']));
  });
});
