// One benchmark worker process: opens the home given in ADP_BENCH_HOME with its own
// driver, runs the scheduler (ADP_BENCH_SCHEDULE=1) and a worker pool over a no-op
// query engine, and on SIGTERM prints one JSON line: the lags of the ticks it fired,
// the runs it finished (start and end times), its CPU and peak RSS.
import os from 'node:os';
import { dist, noopEngine } from './lib.mjs';

const { openProject } = await import(dist('drivers/open-project.js'));
const { homeLayout } = await import(dist('drivers/common/home.js'));
const { SchedulerService } = await import(dist('scheduler/scheduler-service.js'));

const project = await openProject(homeLayout(process.env.ADP_BENCH_HOME));
const schedule = process.env.ADP_BENCH_SCHEDULE === '1';
const measureFrom = Number(process.env.ADP_BENCH_MEASURE_FROM ?? 0);
const engine = await noopEngine(project, `bench-${os.hostname()}-${process.pid}`);
const lags = [];
const runs = [];
const service = new SchedulerService({
  engine,
  state: project.state,
  store: project.scheduling,
  wake: project.wake,
  maxConcurrentRuns: Number(process.env.ADP_BENCH_CONCURRENCY ?? 8),
  leaseMs: 30_000,
  pollMs: 500,
  misfireGraceMs: 5_000,
  schedule,
  worker: { host: os.hostname(), pid: process.pid },
  onSchedulerEvent: (e) => {
    if (e.kind === 'fired' && Date.now() >= measureFrom) lags.push(e.lagMs);
  },
  onRunEnd: (record) => runs.push([Date.parse(record.startedAt), record.timestamp]),
  onError: (m) => process.stderr.write(`worker ${process.pid}: ${m}\n`),
});
let maxRss = 0;
const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 500);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await service.start();
process.stdout.write('ready\n');
await new Promise((resolve) => process.once('SIGTERM', resolve));
const cpu = process.cpuUsage(cpu0);
const elapsed = performance.now() - t0;
clearInterval(sampler);
await service.stop(5_000);
await project.close();
process.stdout.write(
  `${JSON.stringify({ lags, runs, cpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / elapsed, rssMb: Math.round(maxRss / 2 ** 20) })}\n`,
);
process.exit(0);
