// One benchmark worker process: opens the home given in ADP_BENCH_HOME with its own
// driver, runs the scheduler (ADP_BENCH_SCHEDULE=1) and a worker pool over a no-op
// query engine, and on SIGTERM prints one JSON line: the lags of the ticks it fired
// (`lags`: scheduled time → claim started; `claimLags`: → claim committed, the run
// queued; `startLags`: → the run started, for runs it executed), the runs it finished
// (start and end times), its CPU and peak RSS. ADP_BENCH_CONCURRENCY=0: no runs executed.
import os from 'node:os';
import { countStatements, dist, noopEngine } from './lib.mjs';

// ADP_BENCH_COUNT_SQL=1: the report also counts the statements sent, by their first words.
const statements = process.env.ADP_BENCH_COUNT_SQL === '1' ? await countStatements() : undefined;

const { openProject } = await import(dist('drivers/open-project.js'));
const { homeLayout } = await import(dist('drivers/common/home.js'));
const { SchedulerService } = await import(dist('scheduler/scheduler-service.js'));

const project = await openProject(homeLayout(process.env.ADP_BENCH_HOME));
const schedule = process.env.ADP_BENCH_SCHEDULE === '1';
const measureFrom = Number(process.env.ADP_BENCH_MEASURE_FROM ?? 0);
const engine = await noopEngine(project, `bench-${os.hostname()}-${process.pid}`);
const lags = [];
const claimLags = [];
const startLags = [];
const runs = [];
const failed = [];
const service = new SchedulerService({
  engine,
  state: project.state,
  store: project.scheduling,
  wake: project.wake,
  maxConcurrentRuns: Number(process.env.ADP_BENCH_CONCURRENCY ?? 8),
  // ADP_BENCH_MAX_ACTIVE: the global cap over all workers (as `adp serve` sets from maxConcurrentRuns).
  maxActiveRuns: process.env.ADP_BENCH_MAX_ACTIVE ? Number(process.env.ADP_BENCH_MAX_ACTIVE) : undefined,
  leaseMs: 30_000,
  pollMs: 500,
  misfireGraceMs: 5_000,
  schedule,
  worker: { host: os.hostname(), pid: process.pid },
  onSchedulerEvent: (e) => {
    if (e.kind !== 'fired' || Date.now() < measureFrom) return;
    lags.push(e.lagMs);
    // Emitted once the claim transaction committed: the tick's run is queued now.
    claimLags.push(Date.now() - e.scheduledTime.getTime());
  },
  onRunEnd: (record) => {
    runs.push([Date.parse(record.startedAt), record.timestamp]);
    if (record.scheduledTime && Date.parse(record.scheduledTime) >= measureFrom) startLags.push(Date.parse(record.startedAt) - Date.parse(record.scheduledTime));
    if (record.status !== 'succeeded') failed.push(`${record.curationExecutionName}: ${record.status} ${JSON.stringify(record).slice(0, 600)}`);
  },
  onError: (m) => process.stderr.write(`worker ${process.pid}: ${m}\n`),
});
let maxRss = 0;
const parent = process.ppid;
const sampler = setInterval(() => {
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  // A parent gone (the benchmark failed) ends this worker too.
  if (process.ppid !== parent) process.exit(1);
}, 500);
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
// A long line to a pipe is written asynchronously: exit once it is out.
process.stdout.write(
  `${JSON.stringify({ lags, claimLags, startLags, runs, cpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / elapsed, rssMb: Math.round(maxRss / 2 ** 20), statements: statements?.(), failed })}\n`,
  () => process.exit(0),
);

