// 10,000 curations on rate(1 minute), their start dates spread over the minute, run by
// the scheduler and worker pool of `adp serve` in this process with a no-op query
// engine. Phase A (scheduler + 4 workers): trigger lag (tick → run queued) and start
// lag (tick → run started), p50/p99, process CPU and RSS. Phase B (workers stopped):
// CPU of the scheduler alone. Prints one JSON line.
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

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await schedulerLag()));
}
