// Worker processes sharing one state, over a no-op query engine (bench/worker-child.mjs).
//
//   node bench/shared-workers.mjs claims      N queued runs executed by 3 workers: postgres
//                                             against the embedded state.db, alternating, with
//                                             the ratio and its spread.
//   node bench/shared-workers.mjs scheduler   ADP_BENCH_CURATIONS curations on
//                                             ADP_BENCH_RATE over ADP_BENCH_WORKERS postgres
//                                             workers: tick → run-queued lag p50/p99, RSS, CPU.
// Prints one JSON line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchDatabase, dist, homeWithCuration, median, percentile, spread } from './lib.mjs';

const here = import.meta.dirname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts worker-child.mjs processes on `home`; resolves once each is ready. */
async function startWorkers(home, count, env) {
  const workers = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [path.join(here, 'worker-child.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ADP_BENCH_HOME: home, ...env },
    });
    let out = '';
    const ready = new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready\n')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`worker exited ${code} before it was ready`)));
    });
    const report = new Promise((resolve, reject) =>
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`worker exited ${code}`)))),
    );
    report.catch(() => undefined);
    workers.push({ child, ready, report });
  }
  await Promise.all(workers.map((w) => w.ready));
  return {
    async stop() {
      for (const w of workers) w.child.kill('SIGTERM');
      return Promise.all(workers.map((w) => w.report));
    },
  };
}

/** A home of `driver` with `count` curations copied from a seed, and its open project. */
async function seededHome(driver, count, patchOf) {
  const { openProject } = await import(dist('drivers/open-project.js'));
  const { homeLayout } = await import(dist('drivers/common/home.js'));
  const database = driver === 'postgres' ? await benchDatabase('workers') : undefined;
  const home = await homeWithCuration('seed', 'select 1 as one', { enabled: false }, { databaseUrl: database?.url });
  const project = await openProject(homeLayout(home));
  const seed = (await project.state.getCuration('seed')).definition;
  const types = [];
  const BATCH = 16;
  for (let i = 0; i < count; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + BATCH); j++) {
      types.push(`c${j}`);
      batch.push(project.state.putCuration({ ...seed, curationType: `c${j}`, outputDetails: { ...seed.outputDetails, filename: `c${j}` }, ...patchOf(j) }));
    }
    await Promise.all(batch);
  }
  return {
    home,
    project,
    types,
    async dispose() {
      await project.close();
      fs.rmSync(home, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/** Runs/s of `runs` queued runs over 50 curations, executed by `workers` processes. */
export async function claimsOnce(driver, runs, workers) {
  const { createRun } = await import(dist('engine/create-run.js'));
  const h = await seededHome(driver, 50, () => ({ enabled: false }));
  for (let i = 0; i < runs; i++) await createRun(h.project, { curationType: `c${i % 50}`, trigger: 'manual' });
  const pool = await startWorkers(h.home, workers, { ADP_BENCH_SCHEDULE: '0', ADP_BENCH_CONCURRENCY: '8' });
  for (const deadline = Date.now() + 300_000; (await h.project.scheduling.activeRuns(h.types)).length > 0; ) {
    if (Date.now() > deadline) throw new Error('runs still active after 5 minutes');
    await sleep(100);
  }
  const reports = await pool.stop();
  await h.dispose();
  const all = reports.flatMap((r) => r.runs);
  if (all.length !== runs) throw new Error(`${all.length} runs ended, ${runs} queued`);
  const first = Math.min(...all.map((r) => r[0]));
  const last = Math.max(...all.map((r) => r[1]));
  return (runs / (last - first)) * 1000;
}

async function claims() {
  const runs = Number(process.env.ADP_BENCH_RUNS ?? 3000);
  const reps = Number(process.env.ADP_BENCH_REPS ?? 3);
  const pgRates = [];
  const sqliteRates = [];
  // Alternating, so a slow spell of the machine hits both sides alike.
  for (let i = 0; i < reps; i++) {
    pgRates.push(await claimsOnce('postgres', runs, 3));
    sqliteRates.push(await claimsOnce('embedded', runs, 3));
  }
  const ratios = pgRates.map((p, i) => p / sqliteRates[i]);
  return {
    runs,
    workers: 3,
    postgresRunsPerSecond: Math.round(median(pgRates)),
    postgresSpread: spread(pgRates),
    embeddedRunsPerSecond: Math.round(median(sqliteRates)),
    embeddedSpread: spread(sqliteRates),
    ratio: median(ratios),
    ratioSpread: spread(ratios),
    raw: { postgres: pgRates.map(Math.round), embedded: sqliteRates.map(Math.round) },
  };
}

async function scheduler() {
  const curations = Number(process.env.ADP_BENCH_CURATIONS ?? 10_000);
  const workers = Number(process.env.ADP_BENCH_WORKERS ?? 3);
  const rateMinutes = Number(process.env.ADP_BENCH_RATE_MINUTES ?? 1);
  const phaseMs = Number(process.env.ADP_BENCH_PHASE_MS ?? 40_000);
  const warmupMs = 15_000;
  const periodMs = rateMinutes * 60_000;
  const base = Math.ceil((Date.now() + 5_000) / 1000) * 1000;
  const t0 = Date.now();
  const h = await seededHome('postgres', curations, (i) => ({
    enabled: true,
    overlap: 'queue',
    cronExpression: rateMinutes === 1 ? 'rate(1 minute)' : `rate(${rateMinutes} minutes)`,
    // Start dates spread over one period, so ticks arrive evenly rather than all at once.
    startDate: new Date(base + Math.floor((i * periodMs) / curations)).toISOString(),
  }));
  const seedSeconds = (Date.now() - t0) / 1000;
  const measureFrom = Math.max(Date.now(), base) + warmupMs;
  const pool = await startWorkers(h.home, workers, { ADP_BENCH_SCHEDULE: '1', ADP_BENCH_CONCURRENCY: '4', ADP_BENCH_MEASURE_FROM: String(measureFrom) });
  await sleep(measureFrom - Date.now() + phaseMs);
  const reports = await pool.stop();
  await h.dispose();
  const lags = reports.flatMap((r) => r.lags);
  return {
    curations,
    workers,
    rate: `${rateMinutes} minute(s)`,
    seedSeconds,
    ticksMeasured: lags.length,
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    rssMbMax: Math.max(...reports.map((r) => r.rssMb)),
    cpuPercentPerWorker: reports.map((r) => Math.round(r.cpuPercent * 10) / 10),
  };
}

const mode = process.argv[2];
if (import.meta.url === `file://${process.argv[1]}`) {
  if (mode === 'claims') console.log(JSON.stringify(await claims()));
  else if (mode === 'scheduler') console.log(JSON.stringify(await scheduler()));
  else {
    console.error('usage: node bench/shared-workers.mjs claims|scheduler');
    process.exit(2);
  }
}
