// Trivial real runs (`select 1` through DuckDB, published, recorded) executed by real
// `adp serve` processes: N runs spread over 50 curations are queued, then
// ADP_BENCH_WORKERS servers (default 1) are started and timed from the first run's
// start to the last run's end. ADP_BENCH_DRIVER=postgres puts the state in a fresh
// PostgreSQL database. Prints one JSON line.
//
//   node bench/runs-per-second.mjs compare   postgres against embedded with the same
//                                            ADP_BENCH_WORKERS (default 3) servers each,
//                                            alternating ADP_BENCH_REPS (3) times: the
//                                            ratio postgres/embedded and its spread.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { benchDatabase, dist, homeWithCuration, median, spread } from './lib.mjs';

const RUNS = Number(process.env.ADP_BENCH_RUNS ?? 1000);
const CURATIONS = 50;
const MAX_CONCURRENT = Number(process.env.ADP_BENCH_MAX_CONCURRENT ?? 4);
const REPS = Number(process.env.ADP_BENCH_REPS ?? 3);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function runsPerSecond(driver = process.env.ADP_BENCH_DRIVER ?? 'embedded', workers = Number(process.env.ADP_BENCH_WORKERS ?? 1)) {
  const { openProject } = await import(dist('drivers/open-project.js'));
  const { homeLayout } = await import(dist('drivers/common/home.js'));
  const { createRun } = await import(dist('engine/create-run.js'));

  const database = driver === 'postgres' ? await benchDatabase('rps') : undefined;
  const home = await homeWithCuration('trivial0', 'select 1 as one', { enabled: false, overlap: 'queue' }, { databaseUrl: database?.url });
  const configFile = `${home}/adp.config.json`;
  // Per worker as before, and globally as much as all workers together.
  const config = { ...JSON.parse(fs.readFileSync(configFile, 'utf8')), maxConcurrentRuns: MAX_CONCURRENT * workers, maxConcurrentRunsPerWorker: MAX_CONCURRENT };
  fs.writeFileSync(configFile, JSON.stringify(config));
  const project = await openProject(homeLayout(home));
  const seed = (await project.state.getCuration('trivial0')).definition;
  const types = ['trivial0'];
  for (let i = 1; i < CURATIONS; i++) {
    types.push(`trivial${i}`);
    await project.state.putCuration({ ...seed, curationType: `trivial${i}`, outputDetails: { ...seed.outputDetails, filename: `trivial${i}` } });
  }
  const deps = { state: project.state, clock: project.clock, queue: project.scheduling };
  for (let i = 0; i < RUNS; i++) await createRun(deps, { curationType: `trivial${i % CURATIONS}`, trigger: 'manual' });

  const children = [];
  for (let w = 0; w < workers; w++) {
    // ADP_BENCH_COUNT_SQL=<file prefix>: each server writes the statements it sent to <prefix>.<pid>.json (bench/count-sql.mjs).
    const count = process.env.ADP_BENCH_COUNT_SQL ? ['--import', new URL('./count-sql.mjs', import.meta.url).href] : [];
    const child = spawn(process.execPath, [...count, dist('cli/bin.js'), '--home', home, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.resume();
    children.push({ child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) });
  }
  for (const deadline = Date.now() + 300_000; ; ) {
    if (Date.now() > deadline) throw new Error(`runs still active after 5 minutes`);
    await sleep(250);
    // One indexed query: cheap enough not to compete with the servers for the CPU.
    if ((await project.scheduling.activeRuns(types)).length === 0) break;
  }
  for (const { child } of children) child.kill('SIGTERM');
  const codes = await Promise.all(children.map((c) => c.exited));
  const records = await allRecords(project.state);
  await project.close();
  fs.rmSync(home, { recursive: true, force: true });
  await database?.drop();
  const failed = records.filter((r) => r.status !== 'succeeded').length;
  if (failed > 0) throw new Error(`${failed} runs did not succeed`);
  if (records.length !== RUNS) throw new Error(`${records.length} records for ${RUNS} runs`);
  const first = Math.min(...records.map((r) => Date.parse(r.startedAt)));
  const last = Math.max(...records.map((r) => r.timestamp));
  return {
    driver,
    workers,
    runs: RUNS,
    maxConcurrentRuns: MAX_CONCURRENT,
    cpus: os.cpus().length,
    seconds: (last - first) / 1000,
    runsPerSecond: Math.round((RUNS / (last - first)) * 1000),
    serveExitCodes: codes,
  };
}

async function allRecords(state) {
  const out = [];
  let cursor;
  do {
    const page = await state.listHistory({ limit: 1000, cursor });
    out.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Postgres against embedded, each with `workers` servers, alternating so a slow spell of the machine hits both. */
export async function compareDrivers(workers = Number(process.env.ADP_BENCH_WORKERS ?? 3), reps = REPS) {
  const pg = [];
  const embedded = [];
  for (let i = 0; i < reps; i++) {
    pg.push((await runsPerSecond('postgres', workers)).runsPerSecond);
    embedded.push((await runsPerSecond('embedded', workers)).runsPerSecond);
  }
  const ratios = pg.map((p, i) => p / embedded[i]);
  return {
    runs: RUNS,
    workers,
    maxConcurrentRunsPerWorker: MAX_CONCURRENT,
    postgresRunsPerSecond: median(pg),
    postgresSpread: spread(pg),
    embeddedRunsPerSecond: median(embedded),
    embeddedSpread: spread(embedded),
    ratio: median(ratios),
    ratioSpread: spread(ratios),
    raw: { postgres: pg, embedded },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === 'compare') console.log(JSON.stringify(await compareDrivers()));
  else console.log(JSON.stringify(await runsPerSecond()));
}
