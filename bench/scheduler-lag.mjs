// 10,000 curations on rate(1 minute), their start dates spread over the minute, run by
// the scheduler and worker pool of `adp serve` in this process with a no-op query
// engine. Phase A (scheduler + 4 workers): trigger lag (tick → run queued) and start
// lag (tick → run started), p50/p99, process CPU and RSS. Phase B (workers stopped):
// CPU of the scheduler alone. Prints one JSON line.
//
//   node bench/scheduler-lag.mjs postgres   the same over worker processes sharing one
//     PostgreSQL database (bench/worker-child.mjs, no-op engine): ADP_BENCH_CURATIONS
//     (default 1,000) curations on rate(1 minute) over ADP_BENCH_WORKERS (3) workers, or
//     with ADP_BENCH_FULL=1 the two sizes: 10,000 over 3 workers, then 100,000 on
//     one worker. Lag of a tick = when its run was queued (claim committed) or started,
//     minus its scheduled time: p50/p99/max over ADP_BENCH_PHASE_MS (60,000) after a
//     15 s warm-up, and the peak RSS of each worker. ADP_BENCH_CONCURRENCY runs at once per
//     worker (default 8; 0: the scheduler alone, nothing executed).
import fs from 'node:fs';
import path from 'node:path';
import { dist, homeWithCuration, noopEngine, percentile } from './lib.mjs';

const CURATIONS = Number(process.env.ADP_BENCH_CURATIONS ?? 10_000);
const WARMUP_MS = 15_000;
const PHASE_A_MS = Number(process.env.ADP_BENCH_PHASE_MS ?? 40_000);
const PHASE_B_MS = Number(process.env.ADP_BENCH_PHASE_MS ?? 25_000);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function schedulerLag() {
  const { openProject } = await import(dist('drivers/open-project.js'));
  const { homeLayout } = await import(dist('drivers/common/home.js'));
  const { SchedulerService } = await import(dist('scheduler/scheduler-service.js'));

  const home = await homeWithCuration('seed', 'select 1 as one', { enabled: false });
  const project = await openProject(homeLayout(home));
  const seed = (await project.state.getCuration('seed')).definition;
  const base = Math.ceil((Date.now() + 5_000) / 1000) * 1000;
  for (let i = 0; i < CURATIONS; i++) {
    await project.state.putCuration({
      ...seed,
      curationType: `c${i}`,
      enabled: true,
      overlap: 'queue',
      startDate: new Date(base + Math.floor((i * 60_000) / CURATIONS)).toISOString(),
      outputDetails: { ...seed.outputDetails, filename: `c${i}` },
    });
  }

  const engine = await noopEngine(project, 'bench');
  let measuring = false;
  const triggerLag = [];
  const startLag = [];
  let runs = 0;
  const service = new SchedulerService({
    engine,
    state: project.state,
    store: project.scheduling,
    maxConcurrentRuns: 4,
    leaseMs: 30_000,
    pollMs: 500,
    misfireGraceMs: 5_000,
    worker: { host: 'bench', pid: process.pid },
    onSchedulerEvent: (e) => {
      if (measuring && e.kind === 'fired') triggerLag.push(e.lagMs);
    },
    onRunEnd: (record) => {
      if (!measuring || !record.scheduledTime) return;
      runs++;
      startLag.push(Date.parse(record.startedAt) - Date.parse(record.scheduledTime));
    },
  });
  let maxRss = 0;
  let maxHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    maxRss = Math.max(maxRss, m.rss);
    maxHeap = Math.max(maxHeap, m.heapUsed);
  }, 1000);

  await service.start();
  await sleep(Math.max(0, base - Date.now()) + WARMUP_MS);
  measuring = true;
  let cpu0 = cpuMs();
  let t0 = performance.now();
  await sleep(PHASE_A_MS);
  measuring = false;
  const cpuWithRuns = (100 * (cpuMs() - cpu0)) / (performance.now() - t0);
  const phaseASeconds = (performance.now() - t0) / 1000;

  // What stays after a full collection, to tell retained memory from garbage not yet collected.
  globalThis.gc?.();
  const liveHeap = process.memoryUsage().heapUsed;
  await service.pool.stop(5_000);
  const firedBefore = service.scheduler.stats().fired;
  cpu0 = cpuMs();
  t0 = performance.now();
  await sleep(PHASE_B_MS);
  const cpuScheduler = (100 * (cpuMs() - cpu0)) / (performance.now() - t0);
  const ticksPerSecondB = (service.scheduler.stats().fired - firedBefore) / ((performance.now() - t0) / 1000);
  clearInterval(sampler);
  await service.stop(0);
  await project.close();
  fs.rmSync(home, { recursive: true, force: true });

  return {
    curations: CURATIONS,
    ticksPerSecond: Math.round(ticksPerSecondB),
    lagP50Ms: percentile(triggerLag, 50),
    lagP99Ms: percentile(triggerLag, 99),
    startLagP50Ms: percentile(startLag, 50),
    startLagP99Ms: percentile(startLag, 99),
    runsPerSecondWithNoopEngine: Math.round(runs / phaseASeconds),
    cpuPercent: Math.round(cpuScheduler * 10) / 10,
    cpuPercentWithRuns: Math.round(cpuWithRuns * 10) / 10,
    rssMb: Math.round(maxRss / 2 ** 20),
    heapMb: Math.round(maxHeap / 2 ** 20),
    liveHeapMb: globalThis.gc ? Math.round(liveHeap / 2 ** 20) : undefined,
  };
}

const stats = (values) => ({ n: values.length, p50Ms: percentile(values, 50), p99Ms: percentile(values, 99), maxMs: values.length ? Math.max(...values) : NaN });

/** `curations` on rate(1 minute), start dates spread over the minute, scheduled by `workers` processes on one PostgreSQL database. */
export async function postgresLag(curations, workers, { phaseMs = Number(process.env.ADP_BENCH_PHASE_MS ?? 60_000), concurrency = process.env.ADP_BENCH_CONCURRENCY ?? '8' } = {}) {
  const { seededHome, startWorkers } = await import('./shared-workers.mjs');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const t0 = Date.now();
  // Ticks start a little after seeding ends (estimated generously; ticks before the warm-up ends are not measured).
  const base = Math.ceil((Date.now() + 10_000 + curations * 2) / 1000) * 1000;
  const h = await seededHome('postgres', curations, (i) => ({
    enabled: true,
    overlap: 'queue',
    cronExpression: 'rate(1 minute)',
    startDate: new Date(base + Math.floor((i * 60_000) / curations)).toISOString(),
  }));
  const seedSeconds = (Date.now() - t0) / 1000;
  const measureFrom = Math.max(Date.now(), base) + WARMUP_MS;
  const pool = await startWorkers(h.home, workers, { ADP_BENCH_SCHEDULE: '1', ADP_BENCH_CONCURRENCY: String(concurrency), ADP_BENCH_MEASURE_FROM: String(measureFrom) });
  await sleep(measureFrom - Date.now() + phaseMs);
  const reports = await pool.stop();
  await h.dispose();
  const all = (field) => reports.flatMap((r) => r[field]);
  return {
    curations,
    workers,
    runsAtOncePerWorker: Number(concurrency),
    schedule: 'rate(1 minute)',
    seedSeconds: Math.round(seedSeconds),
    measuredSeconds: phaseMs / 1000,
    ticksPerSecond: Math.round(all('claimLags').length / (phaseMs / 1000)),
    queuedLag: stats(all('claimLags')),
    startedLag: stats(all('startLags')),
    rssMbPerWorker: reports.map((r) => r.rssMb),
    cpuPercentPerWorker: reports.map((r) => Math.round(r.cpuPercent)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === 'postgres') {
    const sizes =
      process.env.ADP_BENCH_FULL === '1'
        ? [
            [10_000, 3],
            [100_000, 1],
          ]
        : [[Number(process.env.ADP_BENCH_CURATIONS ?? 1_000), Number(process.env.ADP_BENCH_WORKERS ?? 3)]];
    const results = [];
    for (const [curations, workers] of sizes) {
      results.push(await postgresLag(curations, workers));
      process.stderr.write(`scheduler-lag postgres: ${JSON.stringify(results.at(-1))}\n`);
    }
    console.log(JSON.stringify(results.length === 1 ? results[0] : results));
  } else console.log(JSON.stringify(await schedulerLag()));
}
