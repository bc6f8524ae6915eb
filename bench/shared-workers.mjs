// Worker processes sharing one state, over a no-op query engine (bench/worker-child.mjs).
//
//   node bench/shared-workers.mjs claims      N queued runs executed by 3 workers: postgres
//                                             against the embedded state.db, alternating, with
//                                             the ratio and its spread.
//   node bench/shared-workers.mjs claim-release   claim and release at once, for ADP_BENCH_SECONDS:
//                                             the claim path alone, uncapped and capped, postgres
//                                             against embedded, alternating.
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

/** Starts `script` (worker-child.mjs) processes on `home`; resolves once each is ready. */
export async function startWorkers(home, count, env, script = 'worker-child.mjs') {
  const workers = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [path.join(here, script)], {
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
      child.on('exit', (code, signal) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`worker exited ${code ?? signal}`)))),
    );
    report.catch(() => undefined);
    workers.push({ child, ready, report });
  }
  await Promise.all(workers.map((w) => w.ready));
  return {
    /** Sends `signal` to every worker (claim-child.mjs starts on SIGUSR2). */
    signal(signal) {
      for (const w of workers) w.child.kill(signal);
    },
    async stop() {
      for (const w of workers) w.child.kill('SIGTERM');
      return Promise.all(workers.map((w) => w.report));
    },
  };
}

/** A home of `driver` with `count` curations copied from a seed, and its open project. */
export async function seededHome(driver, count, patchOf) {
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

/** Adds up the statement counts of the workers' reports (ADP_BENCH_COUNT_SQL=1), per run, most frequent first. */
function statementsPerRun(reports, runs) {
  const total = new Map();
  for (const r of reports) for (const [k, n] of Object.entries(r.statements ?? {})) total.set(k, (total.get(k) ?? 0) + n);
  if (total.size === 0) return undefined;
  const sum = [...total.values()].reduce((a, b) => a + b, 0);
  const round = (n) => Math.round((n / runs) * 100) / 100;
  return { total: round(sum), byStatement: Object.fromEntries([...total].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, round(n)])) };
}

/**
 * `runs` queued runs over 50 curations, executed by `workers` processes: runs/s from the
 * first start to the last end (and, with ADP_BENCH_COUNT_SQL=1, the statements per run).
 * ADP_BENCH_MAX_ACTIVE caps the runs executing at once over all workers, as `adp serve` does.
 */
export async function claimsOnce(driver, runs, workers) {
  const { createRun } = await import(dist('engine/create-run.js'));
  const h = await seededHome(driver, 50, () => ({ enabled: false, overlap: 'queue' }));
  const deps = { state: h.project.state, clock: h.project.clock, queue: h.project.scheduling };
  for (let i = 0; i < runs; i++) await createRun(deps, { curationType: `c${i % 50}`, trigger: 'manual' });
  const pool = await startWorkers(h.home, workers, { ADP_BENCH_SCHEDULE: '0', ADP_BENCH_CONCURRENCY: process.env.ADP_BENCH_CONCURRENCY ?? '8' });
  for (const deadline = Date.now() + 300_000; (await h.project.scheduling.activeRuns(h.types)).length > 0; ) {
    if (Date.now() > deadline) throw new Error('runs still active after 5 minutes');
    await sleep(100);
  }
  const reports = await pool.stop();
  await h.dispose();
  const all = reports.flatMap((r) => r.runs);
  if (all.length !== runs) throw new Error(`${all.length} runs ended, ${runs} queued`);
  const failed = reports.flatMap((r) => r.failed);
  if (failed.length > 0) throw new Error(`${failed.length} of ${runs} runs did not succeed, e.g. ${failed[0]}`);
  const first = Math.min(...all.map((r) => r[0]));
  const last = Math.max(...all.map((r) => r[1]));
  return { rate: (runs / (last - first)) * 1000, statements: statementsPerRun(reports, runs) };
}

async function claims() {
  const runs = Number(process.env.ADP_BENCH_RUNS ?? 3000);
  const reps = Number(process.env.ADP_BENCH_REPS ?? 3);
  const pgRates = [];
  const sqliteRates = [];
  let statements;
  // Alternating, so a slow spell of the machine hits both sides alike.
  for (let i = 0; i < reps; i++) {
    const pgOnce = await claimsOnce('postgres', runs, 3);
    pgRates.push(pgOnce.rate);
    statements ??= pgOnce.statements;
    sqliteRates.push((await claimsOnce('embedded', runs, 3)).rate);
  }
  const ratios = pgRates.map((p, i) => p / sqliteRates[i]);
  return {
    runs,
    workers: 3,
    maxActive: process.env.ADP_BENCH_MAX_ACTIVE ? Number(process.env.ADP_BENCH_MAX_ACTIVE) : undefined,
    postgresRunsPerSecond: Math.round(median(pgRates)),
    postgresSpread: spread(pgRates),
    embeddedRunsPerSecond: Math.round(median(sqliteRates)),
    embeddedSpread: spread(sqliteRates),
    ratio: median(ratios),
    ratioSpread: spread(ratios),
    raw: { postgres: pgRates.map(Math.round), embedded: sqliteRates.map(Math.round) },
    postgresStatementsPerRun: statements,
  };
}

/**
 * Claims per second (claim, then release at once) by `workers` processes over `runs`
 * queued runs for `seconds`: the claim path alone, without executing anything.
 */
export async function claimReleaseOnce(driver, runs, workers, seconds, maxActive) {
  const { createRun } = await import(dist('engine/create-run.js'));
  const h = await seededHome(driver, 50, () => ({ enabled: false, overlap: 'queue' }));
  const deps = { state: h.project.state, clock: h.project.clock, queue: h.project.scheduling };
  // Backfill runs: none waits behind another, so every queued run is claimable.
  for (let i = 0; i < runs; i++) await createRun(deps, { curationType: `c${i % 50}`, trigger: 'backfill' });
  const env = { ADP_BENCH_CONCURRENCY: process.env.ADP_BENCH_CONCURRENCY ?? '8', ...(maxActive ? { ADP_BENCH_MAX_ACTIVE: String(maxActive) } : {}) };
  const pool = await startWorkers(h.home, workers, env, 'claim-child.mjs');
  pool.signal('SIGUSR2');
  await sleep(seconds * 1000);
  const reports = await pool.stop();
  await h.dispose();
  const total = reports.reduce((n, r) => n + r.claims, 0);
  return { rate: total / Math.max(...reports.map((r) => r.seconds)), statements: statementsPerRun(reports, total) };
}

/** Claim+release per second, postgres against embedded, alternating; capped (ADP_BENCH_MAX_ACTIVE, default 24) and not. */
async function claimRelease() {
  const reps = Number(process.env.ADP_BENCH_REPS ?? 3);
  const seconds = Number(process.env.ADP_BENCH_SECONDS ?? 5);
  const runs = Number(process.env.ADP_BENCH_RUNS ?? 500);
  const cap = Number(process.env.ADP_BENCH_MAX_ACTIVE ?? 24);
  const out = { workers: 3, seconds, runs, cap };
  for (const [label, maxActive] of [['uncapped', undefined], ['capped', cap]]) {
    const pg = [];
    const embedded = [];
    let statements;
    for (let i = 0; i < reps; i++) {
      const p = await claimReleaseOnce('postgres', runs, 3, seconds, maxActive);
      pg.push(p.rate);
      statements ??= p.statements;
      embedded.push((await claimReleaseOnce('embedded', runs, 3, seconds, maxActive)).rate);
    }
    const ratios = pg.map((p, i) => p / embedded[i]);
    out[label] = {
      postgresClaimsPerSecond: Math.round(median(pg)),
      postgresSpread: spread(pg),
      embeddedClaimsPerSecond: Math.round(median(embedded)),
      embeddedSpread: spread(embedded),
      ratio: median(ratios),
      ratioSpread: spread(ratios),
      raw: { postgres: pg.map(Math.round), embedded: embedded.map(Math.round) },
      postgresStatementsPerClaim: statements?.total,
    };
  }
  return out;
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
  else if (mode === 'claim-release') console.log(JSON.stringify(await claimRelease()));
  else if (mode === 'scheduler') console.log(JSON.stringify(await scheduler()));
  else {
    console.error('usage: node bench/shared-workers.mjs claims|claim-release|scheduler');
    process.exit(2);
  }
}
